package org.microsim.drivers.partd;

import java.util.Locale;
import java.util.UUID;

/** What a partition table says a partition holds: an MBR type byte or a GPT type GUID. */
public sealed interface PartitionType {
    /** An MBR (or EBR) partition type byte. */
    record Mbr(int code) implements PartitionType {
        @Override
        public String toString() {
            return String.format("0x%02x", code);
        }
    }

    /** A GPT partition type GUID. */
    record Gpt(UUID guid) implements PartitionType {
        @Override
        public String toString() {
            return guid.toString().toUpperCase(Locale.ROOT);
        }
    }
}
