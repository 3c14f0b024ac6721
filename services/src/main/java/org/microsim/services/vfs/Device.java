package org.microsim.services.vfs;

import org.microsim.abi.Handle;
import org.microsim.abi.block.BlockClient;

/**
 * A block driver's port shown as /dev/{@code name}: its handle and port id, parent port, subclass and a client for
 * it.
 */
record Device(String name, Handle handle, long portId, String parent, int subclass, BlockClient client) {
    long size() {
        return (long) client.blockSize() * client.blockCount();
    }
}
