package org.microsim.kernel.machine;

/**
 * A one-shot misbehaviour of a USB stick, for tests that drive a driver's recovery: each hits the next command
 * and is gone. The stick then behaves as a real one would after it, so a driver that recovers as the bulk-only
 * transport says (BOT 5.3.4: class reset, then the endpoint halts cleared) gets a working stick back.
 */
public enum UsbFault {
    /** The next CBW is taken as invalid: both bulk endpoints stall until the class reset (BOT 6.6.1). */
    STALL_NEXT_CBW,
    /** The next CSW comes with a wrong signature, as from a confused device. */
    BAD_NEXT_CSW,
    /** The next CBW is lost: the stick waits for one and NAKs bulk-in until it is reset. */
    LOSE_NEXT_CBW
}
