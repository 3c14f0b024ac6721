package org.microsim.services.vfs;

import org.microsim.abi.Client;

/**
 * A filesystem driver's port mounted at /vol/{@code name}: the client that calls it, its port's name and id,
 * the filesystem type ("fat12", "fat16", "fat32") and its source, the block port it lives on.
 */
record Mount(String name, Client client, String portName, long portId, String type, String source) {
    String mountPoint() {
        return "/vol/" + name;
    }
}
