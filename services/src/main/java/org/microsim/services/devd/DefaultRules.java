package org.microsim.services.devd;

import java.util.List;

/**
 * The rules devd starts with, after the seed design: xHCI controllers get {@code usbd}, FAT partitions
 * {@code fatfsd}, any other block device {@code partd} (whole disks get partitioned, unknown partitions are
 * left to it), AHCI controllers {@code ahci}, Ethernet NICs {@code ethd} (the PCI function, which has
 * MMIO, not the {@code eth0:} port ethd registers for it); switch ports and the Ethernet ports drivers serve get no
 * driver: the network service binds to them when devd says they are available. Order matters: FAT partitions
 * must be tried before the catch-all block rule, a NIC before the catch-all network rule.
 */
public final class DefaultRules {
    /** The text, in {@link RuleParser}'s syntax. */
    public static final String TEXT = """
            # devd default rules: first match wins
            match class=usb subclass=xhci -> usbd
            match class=block subclass=fat12|fat16_small|fat16|fat32|fat32_lba|fat16_lba -> fatfsd
            match class=block -> partd
            match class=storage_controller subclass=ahci caps=DMA|MMIO -> ahci
            match class=network subclass=ethernet caps=MMIO -> ethd
            match class=network subclass=switch_port -> none
            match class=network -> none
            """;

    private DefaultRules() {
    }

    /** The default rules, parsed. */
    public static List<Rule> rules() {
        try {
            return RuleParser.parse(TEXT);
        } catch (RuleSyntaxException e) {
            throw new IllegalStateException("the built-in rules do not parse: " + e.getMessage(), e);
        }
    }
}
