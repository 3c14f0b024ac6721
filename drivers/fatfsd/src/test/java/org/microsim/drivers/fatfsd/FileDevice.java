package org.microsim.drivers.fatfsd;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/** A block device backed by an image file, for interoperability tests with mtools and fsck.fat. */
final class FileDevice implements BlockDevice, AutoCloseable {
    private final RandomAccessFile file;
    private final long blocks;

    FileDevice(Path image) throws IOException {
        this.file = new RandomAccessFile(image.toFile(), "rw");
        this.blocks = file.length() / 512;
    }

    @Override
    public int blockSize() {
        return 512;
    }

    @Override
    public long blockCount() {
        return blocks;
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
        try {
            file.seek(lba * 512);
            file.readFully(dst, offset, count * 512);
        } catch (IOException e) {
            throw new BlockException(BlockError.IO_ERROR, e.getMessage());
        }
    }

    @Override
    public void write(long lba, int count, byte[] src, int offset) throws BlockException {
        try {
            file.seek(lba * 512);
            file.write(src, offset, count * 512);
        } catch (IOException e) {
            throw new BlockException(BlockError.IO_ERROR, e.getMessage());
        }
    }

    @Override
    public void flush() throws BlockException {
        try {
            file.getFD().sync();
        } catch (IOException e) {
            throw new BlockException(BlockError.IO_ERROR, e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
