package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;

/** DMA buffers and the device's view of physical memory. */
class PhysicalMemoryTest {
    private final PhysicalMemory memory = new PhysicalMemory(1 << 20);
    private final Object driver = "driver";

    @Test
    void buffersAreZeroedPageAlignedAndDisjoint() {
        DmaBuffer a = memory.allocate(100, driver).orElseThrow();
        DmaBuffer b = memory.allocate(5000, driver).orElseThrow();
        assertEquals(0, a.physAddress() % PhysicalMemory.PAGE);
        assertEquals(0, b.physAddress() % PhysicalMemory.PAGE);
        assertTrue(a.physAddress() + 100 <= b.physAddress());
        assertTrue(a.physAddress() >= PhysicalMemory.RAM_BASE);
        for (int i = 0; i < 5000; i += 4) {
            assertEquals(0, b.getInt(i));
        }
        assertEquals(3 * PhysicalMemory.PAGE, memory.usedBytes());
    }

    @Test
    void theDeviceSeesWhatTheDriverWroteAndTheReverse() {
        DmaBuffer a = memory.allocate(4096, driver).orElseThrow();
        a.putLong(8, 0x1122334455667788L);
        byte[] got = new byte[8];
        assertTrue(memory.read(a.physAddress() + 8, got, 0, 8));
        assertEquals(0x88, got[0] & 0xff, "little-endian");
        assertTrue(memory.write(a.physAddress() + 100, new byte[] {1, 2, 3, 4}, 0, 4));
        assertEquals(0x04030201, a.getInt(100));
    }

    @Test
    void unmappedAccessesAreReportedNotThrown() {
        DmaBuffer a = memory.allocate(4096, driver).orElseThrow();
        byte[] buf = new byte[16];
        assertFalse(memory.read(0, buf, 0, 16));
        assertFalse(memory.read(a.physAddress() + 4090, buf, 0, 16), "runs off the end");
        assertFalse(memory.write(-8, buf, 0, 8));
        assertFalse(memory.read(Long.MAX_VALUE - 4, buf, 0, 16), "wraps around");
        assertTrue(memory.read(a.physAddress(), buf, 0, 0));
        assertFalse(memory.isMapped(a.physAddress() + 4096, 1));
    }

    @Test
    void accessesMayCrossAdjacentAllocations() {
        DmaBuffer a = memory.allocate(4096, driver).orElseThrow();
        DmaBuffer b = memory.allocate(4096, driver).orElseThrow();
        assertEquals(a.physAddress() + 4096, b.physAddress());
        assertTrue(memory.write(a.physAddress() + 4094, new byte[] {9, 9, 9, 9}, 0, 4));
        assertEquals(0x0909, b.getInt(0) & 0xffff);
    }

    @Test
    void freeingByOwnerReleasesEverythingAndAddressesAreNotReused() {
        DmaBuffer a = memory.allocate(4096, driver).orElseThrow();
        memory.allocate(4096, driver).orElseThrow();
        DmaBuffer other = memory.allocate(4096, "other").orElseThrow();
        assertEquals(2, memory.freeAll(driver));
        assertEquals(PhysicalMemory.PAGE, memory.usedBytes());
        assertFalse(memory.isMapped(a.physAddress(), 1));
        assertTrue(memory.isMapped(other.physAddress(), 4096));
        DmaBuffer again = memory.allocate(4096, driver).orElseThrow();
        assertTrue(again.physAddress() > other.physAddress());
        assertTrue(memory.free(again));
        assertFalse(memory.free(again));
    }

    /** The memory remembers the region the last access found; freeing that region must forget it too. */
    @Test
    void aRegionFreedRightAfterAnAccessIsGoneForTheNextOne() {
        DmaBuffer ring = memory.allocate(4096, driver).orElseThrow();
        DmaBuffer other = memory.allocate(4096, "other").orElseThrow();
        byte[] buf = new byte[16];
        assertTrue(memory.read(ring.physAddress() + 16, buf, 0, 16));
        assertTrue(memory.free(ring));
        assertFalse(memory.read(ring.physAddress() + 16, buf, 0, 16), "freed with free");
        assertFalse(memory.write(ring.physAddress(), buf, 0, 1));
        assertTrue(memory.write(other.physAddress() + 8, new byte[] {7}, 0, 1));
        assertEquals(1, memory.freeAll("other"));
        assertFalse(memory.read(other.physAddress() + 8, buf, 0, 1), "freed with freeAll");
        assertFalse(memory.isMapped(other.physAddress(), 1));
    }

    @Test
    void capacityAndBadSizesGiveEmpty() {
        assertEquals(Optional.empty(), memory.allocate(0, driver));
        assertEquals(Optional.empty(), memory.allocate(-1, driver));
        assertTrue(memory.allocate(1 << 20, driver).isPresent());
        assertEquals(Optional.empty(), memory.allocate(1, driver));
    }

    @Test
    void theDriverSideChecksBounds() {
        DmaBuffer a = memory.allocate(64, driver).orElseThrow();
        assertThrows(IndexOutOfBoundsException.class, () -> a.getInt(62));
        assertThrows(IndexOutOfBoundsException.class, () -> a.write(60, new byte[8], 0, 8));
        a.write(0, new byte[] {1, 2}, 0, 2);
        byte[] back = new byte[2];
        a.read(0, back, 0, 2);
        assertArrayEquals(new byte[] {1, 2}, back);
        a.clear(0, 64);
        assertEquals(0, a.getInt(0));
    }
}
