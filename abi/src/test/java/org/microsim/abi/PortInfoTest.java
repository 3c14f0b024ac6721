package org.microsim.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PortInfoTest {
    private static PortInfo ahci() {
        return new PortInfo("00:1f.2:ahci", PortClass.STORAGE_CONTROLLER, PortSubclass.STORAGE_AHCI, "pcie0:",
                0x8086, 0x2922, PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO, new byte[] {1, 2, 3});
    }

    @Test
    void encodesTheSeedLayoutByteForByte() {
        byte[] b = ahci().encode();
        assertEquals(114, b.length);
        assertEquals('0', b[0]);
        assertEquals(12, b[32], "name_len");
        assertEquals(0, b[33], "pad");
        assertEquals(2, b[34], "class low byte");
        assertEquals(0, b[35]);
        assertEquals(6, b[36], "subclass");
        assertEquals('p', b[38]);
        assertEquals(6, b[70], "parent_len");
        assertEquals((byte) 0x86, b[72]);
        assertEquals((byte) 0x80, b[73]);
        assertEquals((byte) 0x22, b[74]);
        assertEquals((byte) 0x29, b[75]);
        assertEquals(7, b[76], "caps");
        assertEquals(1, b[78]);
        assertEquals(3, b[110], "metadata_len");
        assertEquals(0, b[111] | b[112] | b[113]);
    }

    @Test
    void roundTrips() throws MalformedException {
        PortInfo p = ahci();
        assertEquals(p, PortInfo.decode(p.encode()));
    }

    @Test
    void rejectsWrongSize() {
        MalformedException e = assertThrows(MalformedException.class, () -> PortInfo.decode(new byte[113]));
        assertTrue(e.getMessage().contains("114"), e.getMessage());
    }

    @Test
    void rejectsUnknownClass() {
        byte[] b = ahci().encode();
        b[34] = 99;
        MalformedException e = assertThrows(MalformedException.class, () -> PortInfo.decode(b));
        assertTrue(e.getMessage().contains("unknown port class 99"), e.getMessage());
    }

    @Test
    void rejectsLengthOver32AndBadUtf8() {
        byte[] b = ahci().encode();
        b[32] = 33;
        assertThrows(MalformedException.class, () -> PortInfo.decode(b));
        byte[] c = ahci().encode();
        c[0] = (byte) 0xff;
        MalformedException e = assertThrows(MalformedException.class, () -> PortInfo.decode(c));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void rejectsNamesOver32BytesAtConstruction() {
        String longName = "x".repeat(33);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PortInfo.of(longName, PortClass.SERVICE, 0));
        assertTrue(e.getMessage().contains("longer than 32 bytes"));
        // 11 three-byte characters = 33 bytes: the limit is in bytes, not characters.
        String wide = "€".repeat(11);
        assertEquals(33, wide.getBytes(StandardCharsets.UTF_8).length);
        assertThrows(IllegalArgumentException.class, () -> PortInfo.of(wide, PortClass.SERVICE, 0));
    }

    @Test
    void metadataIsCopiedNotShared() {
        byte[] meta = {9};
        PortInfo p = new PortInfo("a", PortClass.BLOCK, 0, "", 0, 0, 0, meta);
        meta[0] = 1;
        assertArrayEquals(new byte[] {9}, p.metadata());
    }
}
