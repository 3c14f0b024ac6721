package org.microsim.services.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;

class VfsPathTest {
    @Test
    void pathsResolveLexically() throws Exception {
        assertEquals(new VfsPath.Root(), VfsPath.parse("/"));
        assertEquals(new VfsPath.Root(), VfsPath.parse("/dev/.."));
        assertEquals(new VfsPath.DevDir(), VfsPath.parse("//dev/"));
        assertEquals(new VfsPath.Dev("disk0p1"), VfsPath.parse("/dev/./disk0p1"));
        assertEquals(new VfsPath.VolDir(), VfsPath.parse("/../vol"));
        assertEquals(new VfsPath.InMount("disk0p1", "/"), VfsPath.parse("/vol/disk0p1"));
        assertEquals(new VfsPath.InMount("disk0p1", "/a/c"), VfsPath.parse("/vol/disk0p1/a/b/../c/"));
        assertEquals(new VfsPath.InMount("b", "/x"), VfsPath.parse("/vol/a/../b/x"));
    }

    @Test
    void badPathsSayWhy() {
        assertEquals(FsError.INVALID_NAME, assertThrows(FsException.class, () -> VfsPath.parse("dev")).error());
        assertEquals(FsError.NOT_FOUND, assertThrows(FsException.class, () -> VfsPath.parse("/etc")).error());
        assertEquals(FsError.NOT_A_DIRECTORY,
                assertThrows(FsException.class, () -> VfsPath.parse("/dev/disk0/x")).error());
        assertEquals("a_b", VfsPath.component("a/b"));
    }
}
