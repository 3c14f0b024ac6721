package org.microsim.drivers.ahci;

import static org.microsim.drivers.ahci.Registers.ATA_FLUSH_CACHE_EXT;
import static org.microsim.drivers.ahci.Registers.ATA_IDENTIFY;
import static org.microsim.drivers.ahci.Registers.ATA_WRITE_DMA_EXT;
import static org.microsim.drivers.ahci.Registers.SECTOR;

/**
 * One ATA command for one command slot: the opcode, its LBA and sector count as the FIS carries them, how
 * many data bytes move through the slot's buffer, and, for a piece of a block request, the request and where
 * in its lease this piece's bytes belong.
 *
 * @param transfer    the request this command serves, null for the driver's own commands (IDENTIFY at start)
 * @param leaseOffset where the piece's data starts in the request's lease
 */
record Command(int opcode, long lba, int sectors, int bytes, Transfer transfer, long leaseOffset) {
    /** IDENTIFY DEVICE: 512 bytes of data in, no LBA. */
    static Command identify() {
        return new Command(ATA_IDENTIFY, 0, 0, SECTOR, null, 0);
    }

    /** FLUSH CACHE EXT for a FLUSH request: no data. */
    static Command flush(Transfer transfer) {
        return new Command(ATA_FLUSH_CACHE_EXT, 0, 0, 0, transfer, 0);
    }

    /** Data goes from memory to the device. */
    boolean writesDevice() {
        return opcode == ATA_WRITE_DMA_EXT;
    }

    @Override
    public String toString() {
        return String.format("cmd %02xh lba %d x%d", opcode, lba, sectors);
    }
}
