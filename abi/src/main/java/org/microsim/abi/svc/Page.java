package org.microsim.abi.svc;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * One page of a list reply. A whole list (every service, every port) can outgrow a message's
 * {@link Message#MAX_INLINE inline bytes}, so list requests name the first item wanted and the reply carries
 * as many items as fit: {@code u16 total, u16 start, u16 count}, then the items. A client asks again from
 * {@code start + count} until it has {@code total}. Used by the service manager's LIST and devd's LSDEV and
 * LIST_RULES.
 */
public record Page<T>(int total, int start, List<T> items) {
    private static final int HEADER = 6;

    /** Writes one item. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(WireWriter w, T item);
    }

    /** Reads one item. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(WireReader r) throws MalformedException;
    }

    /** Copies the items. */
    public Page {
        items = List.copyOf(items);
    }

    /** True when this page ends the list. */
    public boolean last() {
        return start + items.size() >= total;
    }

    /** Fetches the page that starts at item {@code start}: one call of a list request. */
    @FunctionalInterface
    public interface Source<T, E extends Exception> {
        Page<T> page(int start) throws E;
    }

    /**
     * Every item of a list, fetched page by page. Each page moves the start on by at least one item and a page
     * starts at most at 65535, so this ends after at most one call per item.
     */
    public static <T, E extends Exception> List<T> all(Source<T, E> source) throws E {
        List<T> all = new ArrayList<>();
        while (all.size() <= 0xffff) {
            Page<T> page = source.page(all.size());
            all.addAll(page.items());
            if (page.last() || page.items().isEmpty()) {
                break;
            }
        }
        return all;
    }

    /** Rejects a start outside the u16 the wire carries. */
    public static void checkStart(int start) {
        if (start < 0 || start > 0xffff) {
            throw new IllegalArgumentException("start " + start + " is outside 0..65535");
        }
    }

    /** The OK reply carrying the page of {@code all} from {@code start} (see {@link #encode}). */
    public static <T> Message toMessage(List<T> all, int start, Writer<T> writer) {
        return Replies.ok(encode(all, start, writer));
    }

    /** Decodes a reply carrying a page; handles make it malformed. */
    public static <T> Page<T> decode(Message reply, Reader<T> reader) throws MalformedException {
        if (!reply.handles().isEmpty()) {
            throw new MalformedException("a list page carries no handles");
        }
        return decode(reply.data(), reader);
    }

    /**
     * The page of {@code all} from {@code start}: as many items as fit in a message, at least one unless
     * {@code start} is past the end (then none).
     */
    private static <T> byte[] encode(List<T> all, int start, Writer<T> writer) {
        int total = Math.min(all.size(), 0xffff);
        int from = Math.min(Math.max(start, 0), total);
        WireWriter body = new WireWriter();
        int count = 0;
        for (int i = from; i < total; i++) {
            WireWriter one = new WireWriter();
            writer.write(one, all.get(i));
            if (count > 0 && HEADER + body.size() + one.size() > Message.MAX_INLINE) {
                break;
            }
            body.bytes(one.toByteArray());
            count++;
        }
        return new WireWriter().u16(total).u16(from).u16(count).bytes(body.toByteArray()).toByteArray();
    }

    /**
     * Decodes a page.
     *
     * @throws MalformedException for a count that does not match the bytes, a start past the total or a bad item
     */
    private static <T> Page<T> decode(byte[] bytes, Reader<T> reader) throws MalformedException {
        WireReader r = new WireReader(bytes);
        int total = r.u16("total");
        int start = r.u16("start");
        int count = r.u16("count");
        if (start + count > total) {
            throw new MalformedException("page of " + count + " from " + start + " overruns the total " + total);
        }
        List<T> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(reader.read(r));
        }
        r.end("list page");
        return new Page<>(total, start, items);
    }
}
