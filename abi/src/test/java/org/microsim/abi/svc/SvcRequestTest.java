package org.microsim.abi.svc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireWriter;

class SvcRequestTest {
    private static final SvcRequest.Register REGISTER = new SvcRequest.Register("partd", "partd",
            List.of("ahci"), RestartContract.DEFAULT, List.of("disk0p1", "disk0p2"));

    @Property(tries = 200)
    void everyRequestRoundTrips(@ForAll("requests") SvcRequest<?> request) throws MalformedException {
        assertEquals(request, SvcRequest.decode(request.toMessage()));
    }

    @Property(tries = 200)
    void everyTruncationOrExtensionIsRejected(@ForAll("requests") SvcRequest<?> request,
                                              @ForAll("cuts") int cut) {
        byte[] bytes = request.toMessage().data();
        int length = Math.floorMod(cut, bytes.length + 2);
        if (length == bytes.length) {
            return;
        }
        byte[] changed = Arrays.copyOf(bytes, length);
        assertThrows(MalformedException.class,
                () -> SvcRequest.decode(Message.of(request.toMessage().msgId(), changed)));
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 1000);
    }

    @Provide
    Arbitrary<SvcRequest<?>> requests() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcdefgh:._-é").ofMinLength(1).ofMaxLength(12);
        Arbitrary<List<String>> names = name.list().uniqueElements().ofMaxSize(4);
        Arbitrary<RestartContract> contract = Combinators.combine(
                Arbitraries.of(RestartContract.Policy.class), Arbitraries.integers().between(0, 0xffff),
                Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.longs().between(0, 1_000_000),
                Arbitraries.longs().between(0, 1_000_000), Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.integers().between(0, 0xffff), Arbitraries.of(true, false))
                .as((p, max, w, i, extra, min, retries, ready) ->
                        new RestartContract(p, max, w, i, i + extra, min, retries, extra, ready));
        return Arbitraries.oneOf(
                Combinators.combine(name, name, names, contract, names).as(SvcRequest.Register::new),
                Combinators.combine(name, name).as(SvcRequest.Depend::new),
                name.map(SvcRequest.Start::new), name.map(SvcRequest.Stop::new), name.map(SvcRequest.Restart::new),
                name.map(SvcRequest.Status::new), Arbitraries.integers().between(0, 0xffff).map(SvcRequest.ListAll::new),
                Arbitraries.just(new SvcRequest.Ready()), name.map(SvcRequest.Unregister::new),
                Combinators.combine(name, name, Arbitraries.integers().between(0, 99).list().ofMaxSize(4))
                        .as((n, p, slots) -> new SvcRequest.Register(n, p, List.of(), RestartContract.DEFAULT,
                                List.of(), slots.stream().map(Handle::new).toList())));
    }

    @Test
    void onlyRegisterCarriesHandlesAndAtMostFour() throws MalformedException {
        List<Handle> four = List.of(new Handle(3), new Handle(4), new Handle(5), new Handle(6));
        SvcRequest.Register withHandles = new SvcRequest.Register("ahci#2", "ahci", List.of(),
                RestartContract.DEFAULT, List.of(), four);
        assertEquals(four, withHandles.toMessage().handles());
        assertEquals(withHandles, SvcRequest.decode(withHandles.toMessage()));
        List<Handle> five = List.of(new Handle(3), new Handle(4), new Handle(5), new Handle(6), new Handle(7));
        assertThrows(IllegalArgumentException.class, () -> new SvcRequest.Register("a", "a", List.of(),
                RestartContract.DEFAULT, List.of(), five));
        assertTrue(assertThrows(MalformedException.class, () -> SvcRequest.decode(new Message(SvcRequest.REGISTER,
                REGISTER.toMessage().data(), five, null))).getMessage().contains("over the limit"));
        for (SvcRequest other : List.of(new SvcRequest.Start("a"), new SvcRequest.Ready(),
                new SvcRequest.Unregister("a"))) {
            Message m = other.toMessage();
            assertTrue(assertThrows(MalformedException.class, () -> SvcRequest.decode(new Message(m.msgId(),
                    m.data(), List.of(new Handle(1)), null))).getMessage().contains("carries no handles"));
        }
    }

    @Test
    void registerHasTheDocumentedLayout() throws MalformedException {
        byte[] b = REGISTER.toMessage().data();
        assertEquals(SvcRequest.REGISTER, REGISTER.toMessage().msgId());
        assertEquals(5, b[0], "u16 length of 'partd'");
        assertEquals('p', b[2]);
        assertEquals(REGISTER, SvcRequest.decode(Message.of(200, b)));
    }

    @Test
    void unknownIdsTrailingBytesAndBadFieldsAreMalformed() {
        assertTrue(assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(299)))
                .getMessage().contains("unknown service manager request 299"));
        assertTrue(assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(SvcRequest.LIST,
                new byte[] {0, 0, 0}))).getMessage().contains("trailing"));
        assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(SvcRequest.START,
                new WireWriter().string("").toByteArray())), "an empty name");
        assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(SvcRequest.START,
                new WireWriter().string("a b").toByteArray())), "a space in a name");
        assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(SvcRequest.START,
                new WireWriter().u16(2).bytes(new byte[] {(byte) 0xc3, 0x28}).toByteArray())), "bad UTF-8");
        assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(SvcRequest.START,
                new WireWriter().string("x".repeat(33)).toByteArray())), "too long");
    }

    @Test
    void badContractsAndDuplicateNamesAreMalformed() {
        byte[] good = REGISTER.toMessage().data();
        int contractAt = 2 + 5 + 2 + 5 + 1 + 2 + 4;
        byte[] badPolicy = good.clone();
        badPolicy[contractAt] = 7;
        assertTrue(assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(200, badPolicy)))
                .getMessage().contains("policy"));
        WireWriter w = new WireWriter().string("a").string("a").u8(2).string("b").string("b");
        assertTrue(assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(200,
                w.toByteArray()))).getMessage().contains("twice"));
        WireWriter capBelow = new WireWriter().string("a").string("a").u8(0);
        capBelow.u8(1).u16(1).i64(10).i64(50).i64(10).i64(0).u16(0).i64(0).u8(0).u8(0);
        assertTrue(assertThrows(MalformedException.class, () -> SvcRequest.decode(Message.of(200,
                capBelow.toByteArray()))).getMessage().contains("cap"));
    }

    @Test
    void statusListsRoundTripAndRejectBadCounts() throws MalformedException {
        List<ServiceStatus> list = List.of(new ServiceStatus("ahci", ServiceState.READY, 0, List.of(), ""),
                new ServiceStatus("partd", ServiceState.FAILED, 3, List.of("ahci"), "crashed"));
        Message reply = Page.toMessage(list, 0, (w, s) -> s.write(w));
        SvcRequest.ListAll listAll = new SvcRequest.ListAll(0);
        assertEquals(new Page<>(2, 0, list), listAll.decodeReply(reply));
        byte[] moreClaimed = reply.data();
        moreClaimed[4] = 3;
        assertThrows(MalformedException.class, () -> listAll.decodeReply(Replies.ok(moreClaimed)));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0},
                Page.toMessage(List.<ServiceStatus>of(), 0, (w, s) -> s.write(w)).data());
        WireWriter one = new WireWriter();
        list.get(1).write(one);
        assertEquals(list.get(1), new SvcRequest.Status("partd").decodeReply(Replies.ok(one.toByteArray())));
    }
}
