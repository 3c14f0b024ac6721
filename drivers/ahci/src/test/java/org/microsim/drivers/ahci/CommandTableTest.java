package org.microsim.drivers.ahci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;

/** The command FIS and PRDT as the spec lays them out, including data longer than one PRDT entry. */
class CommandTableTest {
    /** A DmaBuffer over a heap array, at a made-up physical address. */
    private record HeapDma(ByteBuffer bytes) implements DmaBuffer {
        HeapDma(int size) {
            this(ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN));
        }

        @Override
        public long physAddress() {
            return 0x1_0000_0000L;
        }

        @Override
        public int size() {
            return bytes.capacity();
        }

        @Override
        public void read(int offset, byte[] dst, int dstOffset, int length) {
            bytes.get(offset, dst, dstOffset, length);
        }

        @Override
        public void write(int offset, byte[] src, int srcOffset, int length) {
            bytes.put(offset, src, srcOffset, length);
        }

        @Override
        public int getInt(int offset) {
            return bytes.getInt(offset);
        }

        @Override
        public void putInt(int offset, int value) {
            bytes.putInt(offset, value);
        }

        @Override
        public void clear(int offset, int length) {
            bytes.put(offset, new byte[length]);
        }
    }

    @Test
    void splitsDataIntoEntriesOfAtMostFourMebibytes() {
        int bytes = 9 << 20;
        assertEquals(3, CommandTable.entries(bytes));
        HeapDma table = new HeapDma(CommandTable.size(3) + 128);
        Command read = new Command(Registers.ATA_READ_DMA_EXT, 0x0102_0304_0506L, 0, bytes, null, 0);
        int entries = CommandTable.write(table, 128, read, 0x2_0000_0000L);
        assertEquals(3, entries);
        int prdt = 128 + 0x80;
        assertEquals(0x2_0000_0000L, table.getLong(prdt));
        assertEquals((4 << 20) - 1, table.getInt(prdt + 12));
        assertEquals(0x2_0040_0000L, table.getLong(prdt + 16));
        assertEquals(0x2_0080_0000L, table.getLong(prdt + 32));
        assertEquals((1 << 20) - 1, table.getInt(prdt + 44));
        byte[] fis = new byte[16];
        table.read(128, fis, 0, 16);
        assertEquals(0x27, fis[0] & 0xff);
        assertEquals(0x80, fis[1] & 0xff);
        assertEquals(0x25, fis[2] & 0xff);
        assertEquals(0x06, fis[4]);
        assertEquals(0x40, fis[7]);
        assertEquals(0x01, fis[10]);
        assertEquals(0, fis[12]); // 65536 sectors is written as 0
    }

    @Test
    void tablesAreWholeMultiplesOf128Bytes() {
        assertEquals(0x80 + 128, CommandTable.size(1));
        assertEquals(0x80 + 128, CommandTable.size(8));
        assertEquals(0x80 + 256, CommandTable.size(9));
    }
}
