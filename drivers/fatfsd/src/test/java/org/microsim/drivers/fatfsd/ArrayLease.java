package org.microsim.drivers.fatfsd;

import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;

/** A lease over a byte array, as a client would lend it. */
record ArrayLease(byte[] buffer, boolean readable, boolean writable) implements LeaseAccess {
    static final ArrayLease NONE = new ArrayLease(new byte[0], false, false);

    @Override
    public long size() {
        return buffer.length;
    }

    private void check(long at, int len, boolean allowed) throws FsException {
        if (!allowed || at < 0 || at + len > buffer.length) {
            throw new FsException(FsError.INVALID_REQUEST, "lease copy of " + len + " at " + at + " refused");
        }
    }

    @Override
    public void read(long leaseOffset, byte[] dst, int off, int len) throws FsException {
        check(leaseOffset, len, readable);
        System.arraycopy(buffer, (int) leaseOffset, dst, off, len);
    }

    @Override
    public void write(long leaseOffset, byte[] src, int off, int len) throws FsException {
        check(leaseOffset, len, writable);
        System.arraycopy(src, off, buffer, (int) leaseOffset, len);
    }
}
