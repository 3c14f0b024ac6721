package org.microsim.kernel.machine;

/**
 * The management bus (IEEE 802.3 clause 22 MDIO) beyond a NIC's own PHY: what answers there, such as a
 * switch managed through a pseudo-PHY address. Register numbers and data are clause 22's: 5-bit PHY
 * address, 5-bit register, 16-bit data. Calls come from the NIC while it holds its own lock, so a device
 * on the bus must not call back into the NIC.
 */
interface MdioBus {
    /** The 16-bit register, or a negative number when nothing answers at {@code phy}. */
    int read(int phy, int register);

    /** Writes the low 16 bits of {@code value}; false when nothing answers at {@code phy}. */
    boolean write(int phy, int register, int value);
}
