package org.microsim.services.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** tcpperf's stream: the fast fill and check walk the same bytes as the definition, across its carries. */
class TcpPerfTest {
    @Test
    void fillAndCheckFollowTheDefinitionFromAnyPlace() {
        for (long from : new long[] {0, 1, 4098, 4099, 4100, 65_536 * 7 + 13, (1L << 32) - 5}) {
            byte[] b = new byte[10_000];
            TcpPerf.fill(b, b.length, from);
            for (int i = 0; i < b.length; i++) {
                assertEquals(TcpPerf.at(from + i), b[i], "byte " + (from + i));
            }
            assertEquals(0, TcpPerf.check(b, b.length, from));
            b[4097] ^= 1;
            b[9999] ^= (byte) 0x80;
            assertEquals(2, TcpPerf.check(b, b.length, from));
            assertEquals(b.length, TcpPerf.check(b, b.length, from + 1), "shifted by one: every byte differs");
        }
    }
}
