package org.microsim.drivers.partd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/** A disk image file as a read-only block device of 512-byte blocks. */
final class FileDisk implements BlockDevice, AutoCloseable {
    private final FileChannel channel;

    FileDisk(Path image) throws IOException {
        channel = FileChannel.open(image, StandardOpenOption.READ);
    }

    @Override
    public int blockSize() {
        return 512;
    }

    @Override
    public long blockCount() {
        try {
            return channel.size() / 512;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
        if (lba < 0 || lba + count > blockCount()) {
            throw new BlockException(BlockError.OUT_OF_RANGE, "blocks " + lba + "+" + count + " outside the image");
        }
        ByteBuffer buffer = ByteBuffer.wrap(dst, offset, count * 512);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, lba * 512 + buffer.position() - offset) < 0) {
                    throw new BlockException(BlockError.IO_ERROR, "short image");
                }
            }
        } catch (IOException e) {
            throw new BlockException(BlockError.IO_ERROR, e.toString());
        }
    }

    @Override
    public void write(long lba, int count, byte[] src, int offset) throws BlockException {
        throw new BlockException(BlockError.READ_ONLY, "image opened read-only");
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
