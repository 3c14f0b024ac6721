package org.microsim.kernel.machine;

import java.util.Optional;

/**
 * One Ethernet NIC.
 *
 * @param mac its address; empty gives the n-th NIC {@link MacAddress#DEFAULT} plus n, as QEMU numbers them
 */
public record NicConfig(Optional<MacAddress> mac) {
    /** A NIC with the default address for its position. */
    public static final NicConfig DEFAULT = new NicConfig(Optional.empty());
}
