package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;

/** The Sys-backed lease, over a Sys that implements only the two lease copies. */
class SysLeaseTest {
    private final byte[] lent = "0123456789".getBytes();
    private int cut = Integer.MAX_VALUE;
    private boolean revoked;

    private Sys sys() {
        return (Sys) Proxy.newProxyInstance(Sys.class.getClassLoader(), new Class<?>[] {Sys.class},
                (proxy, method, args) -> {
                    if (revoked) {
                        return Result.err(ErrorCode.NO_CALLER, "caller gone");
                    }
                    int at = (int) (long) (Long) args[1];
                    byte[] buf = (byte[]) args[2];
                    int off = (Integer) args[3];
                    int len = Math.min(cut, (Integer) args[4]);
                    switch (method.getName()) {
                        case "leaseRead" -> System.arraycopy(lent, at, buf, off, len);
                        case "leaseWrite" -> System.arraycopy(buf, off, lent, at, len);
                        default -> throw new AssertionError(method.getName());
                    }
                    return Result.ok(len);
                });
    }

    @Test
    void copiesWithinTheWindowAndRefusesTheRest() throws FsException {
        SysLease lease = new SysLease(sys(), new ReplyRight(1), new LeaseInfo(10, true, true));
        assertEquals(10, lease.size());
        byte[] got = new byte[4];
        lease.read(3, got, 0, 4);
        assertArrayEquals("3456".getBytes(), got);
        lease.write(0, "ab".getBytes(), 0, 2);
        assertEquals("ab23456789", new String(lent));
        FsException e = assertThrows(FsException.class, () -> lease.read(8, new byte[4], 0, 4));
        assertEquals(FsError.INVALID_REQUEST, e.error());
        cut = 1;
        assertTrue(assertThrows(FsException.class, () -> lease.write(0, new byte[3], 0, 3)).getMessage()
                .contains("copied 1 of 3"));
        revoked = true;
        assertTrue(assertThrows(FsException.class, () -> lease.read(0, new byte[1], 0, 1)).getMessage()
                .contains("NO_CALLER"));
    }

    @Test
    void aCallWithoutLeaseHasAnEmptyOne() throws FsException {
        SysLease none = new SysLease(sys(), new ReplyRight(1), null);
        assertEquals(0, none.size());
        none.write(0, new byte[0], 0, 0);
        assertEquals(FsError.INVALID_REQUEST, assertThrows(FsException.class,
                () -> none.write(0, new byte[1], 0, 1)).error());
    }
}
