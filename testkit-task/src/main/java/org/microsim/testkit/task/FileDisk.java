package org.microsim.testkit.task;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/**
 * A disk image file as a block device of 512-byte blocks, for tests that check the code under test against
 * the host's tools (an image made by mkfs.fat or sfdisk, read back by mtools or fsck.fat). Writes go straight
 * to the file; {@link #flush} forces them to the storage. Opened read-only, it refuses writes as a write-protected
 * disk does. Its size is the file's when opened.
 */
public final class FileDisk implements BlockDevice, AutoCloseable {
    private static final int BLOCK = 512;
    private final FileChannel channel;
    private final boolean readOnly;
    private final long blocks;

    private FileDisk(FileChannel channel, boolean readOnly) throws IOException {
        this.channel = channel;
        this.readOnly = readOnly;
        this.blocks = channel.size() / BLOCK;
    }

    /** Opens {@code image} for reading and writing. */
    public static FileDisk open(Path image) throws IOException {
        return new FileDisk(FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE), false);
    }

    /** Opens {@code image} for reading only: every write fails with {@link BlockError#READ_ONLY}. */
    public static FileDisk openReadOnly(Path image) throws IOException {
        return new FileDisk(FileChannel.open(image, StandardOpenOption.READ), true);
    }

    @Override
    public int blockSize() {
        return BLOCK;
    }

    @Override
    public long blockCount() {
        return blocks;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    private ByteBuffer window(long lba, int count, byte[] buf, int offset) throws BlockException {
        if (lba < 0 || count < 0 || lba + count > blocks) {
            throw new BlockException(BlockError.OUT_OF_RANGE, "blocks " + lba + "+" + count + " outside the image");
        }
        if (offset < 0 || offset + (long) count * BLOCK > buf.length) {
            throw new BlockException(BlockError.INVALID_REQUEST, "buffer too small");
        }
        return ByteBuffer.wrap(buf, offset, count * BLOCK);
    }

    @Override
    public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
        ByteBuffer buffer = window(lba, count, dst, offset);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, lba * BLOCK + buffer.position() - offset) < 0) {
                    throw new BlockException(BlockError.IO_ERROR, "short image");
                }
            }
        } catch (IOException e) {
            throw new BlockException(BlockError.IO_ERROR, e.toString());
        }
    }

    @Override
    public void write(long lba, int count, byte[] src, int offset) throws BlockException {
        ByteBuffer buffer = window(lba, count, src, offset);
        if (readOnly) {
            throw new BlockException(BlockError.READ_ONLY, "image opened read-only");
        }
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, lba * BLOCK + buffer.position() - offset);
            }
        } catch (IOException e) {
            throw new BlockException(BlockError.IO_ERROR, e.toString());
        }
    }

    @Override
    public void flush() throws BlockException {
        if (readOnly) {
            return;
        }
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new BlockException(BlockError.IO_ERROR, e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
