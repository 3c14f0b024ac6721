package org.microsim.services.vfs;

import org.microsim.abi.Handle;

/**
 * A filesystem driver's port mounted at /vol/{@code name}: the handle to call it, its port's name, the
 * filesystem type ("fat12", "fat16", "fat32") and its source, the block port it lives on.
 */
record Mount(String name, Handle handle, String portName, String type, String source) {
    String mountPoint() {
        return "/vol/" + name;
    }
}
