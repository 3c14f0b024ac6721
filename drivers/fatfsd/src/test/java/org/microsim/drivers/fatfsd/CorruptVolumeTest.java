package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.task.MemoryDisk;

/** Hand-made corruptions: each is refused, made read-only or reported as CORRUPT with what is wrong. */
class CorruptVolumeTest {
    @TempDir
    Path dir;

    /** A FAT16 image (512-byte clusters) with two 3-cluster files written by mtools. */
    private byte[] image() throws Exception {
        HostTools.require("mkfs.fat", "mcopy");
        if (clean == null) {
            Path img = Tools.mkfs(dir, "c.img", 16, 1, 8192);
            Images.copyIn(dir, img.toString(), "/one.bin", new byte[1500]);
            Images.copyIn(dir, img.toString(), "/two.bin", new byte[1500]);
            clean = Files.readAllBytes(img);
        }
        return clean.clone();
    }

    private byte[] clean;

    private static FatVolume mount(byte[] b) throws FsException {
        return FatVolume.mount(MemoryDisk.of(b, 512), new FatClock(() -> 0L));
    }

    private static FsException refused(byte[] b) {
        return assertThrows(FsException.class, () -> mount(b));
    }

    private static int fatOffset(byte[] b) {
        return Le.u16(b, 14) * 512;
    }

    private static int firstCluster(byte[] b, String shortName) {
        Bpb bpb = assertDoesNotThrow(b);
        int root = (int) bpb.rootDirStart() * 512;
        for (int off = root; off < root + bpb.rootEntryCount() * 32; off += 32) {
            if (new String(b, off, 11, StandardCharsets.ISO_8859_1).equals(shortName)) {
                return Le.u16(b, off + 26);
            }
        }
        throw new AssertionError(shortName + " not found");
    }

    private static Bpb assertDoesNotThrow(byte[] b) {
        try {
            return Bpb.parse(b, b.length);
        } catch (FsException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unusableBootSectorsAreRefusedWithTheField() throws Exception {
        byte[] b = image();
        b[11] = 0;
        b[12] = 3;
        assertTrue(refused(b).getMessage().contains("bytes per sector 768"), refused(b).getMessage());
        b = image();
        b[13] = 3;
        assertTrue(refused(b).getMessage().contains("sectors per cluster 3"));
        b = image();
        b[510] = 0;
        assertTrue(refused(b).getMessage().contains("0x55 0xAA"));
        b = image();
        b[16] = 0;
        assertTrue(refused(b).getMessage().contains("number of FATs 0"));
        b = image();
        Le.put16(b, 19, 60000);
        assertEquals(FsError.CORRUPT, refused(b).error());
        b = image();
        Le.put16(b, 22, 1);
        assertTrue(refused(b).getMessage().contains("holds"), refused(b).getMessage());
    }

    @Test
    void theFat32LayoutIsCheckedAsFat32WhateverTheClusterCount() throws Exception {
        HostTools.require("mkfs.fat");
        byte[] small32 = Files.readAllBytes(Tools.mkfs(dir, "s32.img", 32, 1, 1024));
        assertEquals(org.microsim.abi.fs.FsType.FAT32, mount(small32.clone()).type());
        byte[] b = small32.clone();
        Le.put16(b, 17, 512);
        assertTrue(refused(b).getMessage().contains("FAT32 volume (") && refused(b).getMessage()
                .contains("with a fixed root directory of 512 entries"), refused(b).getMessage());
        b = small32.clone();
        Le.put16(b, 42, 1);
        assertTrue(refused(b).getMessage().contains("FAT32 version 1 is not 0.0"), refused(b).getMessage());
        b = small32.clone();
        Le.put32(b, 44, 5000);
        assertTrue(refused(b).getMessage().contains("root directory cluster 5000 outside"), refused(b).getMessage());
    }

    @Test
    void differingFatCopiesMountReadOnlyWithTheReason() throws Exception {
        byte[] b = image();
        Bpb bpb = assertDoesNotThrow(b);
        b[(int) ((bpb.reservedSectors() + bpb.fatSize()) * 512) + 100] ^= 1;
        FatVolume v = mount(b);
        assertNotNull(v.readOnlyReason());
        assertTrue(v.readOnlyReason().contains("FAT copy 2 differs"), v.readOnlyReason());
        assertEquals(1500, v.stat("/one.bin").size());
        FsException e = assertThrows(FsException.class, () -> v.mkdir("/x"));
        assertEquals(FsError.READ_ONLY, e.error());
        assertTrue(e.getMessage().contains("FAT copy 2"));
        assertTrue(v.statfs().readOnly());
    }

    @Test
    void aReadOnlyDeviceMountsReadOnly() throws Exception {
        MemoryDisk dev = MemoryDisk.of(image(), 512);
        dev.setReadOnly(true);
        FatVolume v = FatVolume.mount(dev, new FatClock(() -> 0L));
        assertEquals("the device is read-only", v.readOnlyReason());
        assertEquals(FsError.READ_ONLY, assertThrows(FsException.class, () -> v.unlink("/one.bin")).error());
        assertEquals(FsError.READ_ONLY, assertThrows(FsException.class,
                () -> v.open("/one.bin", OpenFlags.WRITE)).error());
        v.sync();
        assertEquals(0, dev.writes());
    }

    @Test
    void fat32WithMirroringOffUsesOnlyTheActiveFat() throws Exception {
        HostTools.require("mkfs.fat");
        Path img = Tools.mkfs(dir, "m32.img", 32, 1, 34000);
        byte[] b = Files.readAllBytes(img);
        Bpb bpb = assertDoesNotThrow(b);
        Le.put16(b, 40, 0x81);
        int copy0 = bpb.reservedSectors() * 512;
        int copy1 = (int) (bpb.reservedSectors() + bpb.fatSize()) * 512;
        b[copy0 + 4 * 100] = 0x55;
        MemoryDisk dev = MemoryDisk.of(b, 512);
        FatVolume v = FatVolume.mount(dev, new FatClock(() -> 0L));
        assertEquals(null, v.readOnlyReason());
        v.mkdir("/d");
        v.sync();
        assertEquals(0x55, b[copy0 + 4 * 100], "the inactive FAT is left alone");
        assertTrue(Le.u32(b, copy1 + 4 * 3) != 0, "the new directory's cluster is in the active FAT");
        assertTrue(FatVolume.mount(dev, new FatClock(() -> 0L)).stat("/d").directory());
    }

    @Test
    void wrongMediaByteInFatMountsReadOnly() throws Exception {
        byte[] b = image();
        for (int copy = 0; copy < 2; copy++) {
            b[fatOffset(b) + copy * (int) assertDoesNotThrow(b).fatSize() * 512] = (byte) 0xF0;
        }
        assertTrue(mount(b).readOnlyReason().contains("media byte"));
    }

    private static void setFat16(byte[] b, int cluster, int value) {
        Bpb bpb = assertDoesNotThrow(b);
        for (int copy = 0; copy < bpb.fatCount(); copy++) {
            Le.put16(b, fatOffset(b) + copy * (int) bpb.fatSize() * 512 + cluster * 2, value);
        }
    }

    @Test
    void chainLoopsAreCorruptNotHangs() throws Exception {
        byte[] b = image();
        int c = firstCluster(b, "ONE     BIN");
        setFat16(b, c + 1, c);
        FatVolume v = mount(b);
        FsException e = assertThrows(FsException.class, () -> v.open("/one.bin", OpenFlags.READ));
        assertEquals(FsError.CORRUPT, e.error());
        assertTrue(e.getMessage().contains("loop"), e.getMessage());
    }

    @Test
    void crossLinkedFilesAreCorrupt() throws Exception {
        byte[] b = image();
        int one = firstCluster(b, "ONE     BIN");
        int two = firstCluster(b, "TWO     BIN");
        setFat16(b, one + 1, two + 1);
        FatVolume v = mount(b);
        v.close(v.open("/two.bin", OpenFlags.READ));
        FsException e = assertThrows(FsException.class, () -> v.open("/one.bin", OpenFlags.READ));
        assertTrue(e.getMessage().contains("cross-linked"), e.getMessage());
    }

    @Test
    void chainsIntoFreeOrOutOfRangeClustersAreCorrupt() throws Exception {
        byte[] b = image();
        int one = firstCluster(b, "ONE     BIN");
        setFat16(b, one, 0);
        assertTrue(assertThrows(FsException.class, () -> mount(b).open("/one.bin", OpenFlags.READ)).getMessage()
                .contains("free cluster"));
        byte[] c = image();
        setFat16(c, firstCluster(c, "TWO     BIN"), 0xFFF0);
        assertTrue(assertThrows(FsException.class, () -> mount(c).open("/two.bin", OpenFlags.READ)).getMessage()
                .contains("outside"));
    }

    @Test
    void entriesPointingNowhereAreCorrupt() throws Exception {
        byte[] b = image();
        Bpb bpb = assertDoesNotThrow(b);
        int root = (int) bpb.rootDirStart() * 512;
        for (int off = root; off < root + 512; off += 32) {
            if (b[off] == 'O') {
                Le.put16(b, off + 26, 65000);
            }
            if (b[off] == 'T') {
                Le.put32(b, off + 28, 100_000);
            }
        }
        FatVolume v = mount(b);
        assertTrue(assertThrows(FsException.class, () -> v.open("/one.bin", OpenFlags.READ)).getMessage()
                .contains("outside"));
        assertTrue(assertThrows(FsException.class, () -> v.open("/two.bin", OpenFlags.READ)).getMessage()
                .contains("100000 bytes but 3 clusters"));
    }
}
