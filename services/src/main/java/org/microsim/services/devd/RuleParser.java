package org.microsim.services.devd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.microsim.abi.MalformedException;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;

/**
 * Reads devd rules. One rule per line, in match order (the first rule that matches a port wins); blank lines
 * and everything from a {@code #} to the end of a line are ignored. Words are separated by spaces:
 *
 * <pre>
 * match [class=CLASS] [subclass=SUB|SUB...] [parent=CLASS] [caps=CAP|CAP...] [vendor=N] [device=N] -&gt; DRIVER
 *
 * CLASS   block storage_controller usb network display input serial audio bus filesystem service
 * SUB     a subclass word of the rule's class (below), a number (0x0c or 12), or any; needs class=
 *         block: raw fat12 fat16_small extended fat16 ntfs fat32 fat32_lba fat16_lba extended_lba
 *                linux_swap linux gpt_protective efi_system unknown
 *         storage_controller: ide ahci nvme     usb: uhci ehci xhci hub mass_storage
 *         network: ethernet wifi switch_port    bus: pcie_root    service: generic
 * CAP     DMA IRQ MMIO HOTPLUG REMOVABLE READ_ONLY BOOTABLE INTERNAL: the port must have all of them
 * N       0..0xffff, decimal or 0x hex
 * DRIVER  a program name (letters, digits, _ . -; at most 32), or none: the port gets no driver
 * </pre>
 *
 * Every condition is optional and appears at most once; {@code parent=} is the class of the port's parent.
 * Words are case-insensitive except the driver name. For example:
 *
 * <pre>
 * match class=usb subclass=xhci -&gt; usbd
 * match class=block subclass=fat12|fat16|fat32|0x0c|0x0e -&gt; fatfsd   # FAT partitions
 * match class=network subclass=switch_port -&gt; none
 * </pre>
 *
 * An error names the line, the offending word and why, and nothing of the text is used.
 */
public final class RuleParser {
    private static final List<String> KEYS = List.of("class", "subclass", "parent", "caps", "vendor", "device");

    private RuleParser() {
    }

    /**
     * Parses a whole rule text.
     *
     * @throws RuleSyntaxException at the first bad line
     */
    public static List<Rule> parse(String text) throws RuleSyntaxException {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Rule rule = parseLine(lines[i], i + 1);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return List.copyOf(rules);
    }

    /**
     * Parses one line; null for a blank or comment line.
     *
     * @param lineNumber the number errors report
     * @throws RuleSyntaxException when the line is not a rule
     */
    public static Rule parseLine(String line, int lineNumber) throws RuleSyntaxException {
        int hash = line.indexOf('#');
        String body = (hash >= 0 ? line.substring(0, hash) : line).strip();
        if (body.isEmpty()) {
            return null;
        }
        String[] words = body.split("\\s+");
        if (!words[0].equalsIgnoreCase("match")) {
            throw new RuleSyntaxException(lineNumber, words[0], "a rule starts with 'match'");
        }
        Map<String, String> conditions = new LinkedHashMap<>();
        int at = 1;
        for (; at < words.length && !words[at].equals("->"); at++) {
            String word = words[at];
            int eq = word.indexOf('=');
            String key = eq < 0 ? "" : word.substring(0, eq).toLowerCase(Locale.ROOT);
            if (eq <= 0 || eq == word.length() - 1) {
                throw new RuleSyntaxException(lineNumber, word, "expected key=value or '->'");
            }
            if (!KEYS.contains(key)) {
                throw new RuleSyntaxException(lineNumber, word, "unknown key '" + key + "' (expected one of "
                        + String.join(", ", KEYS) + ")");
            }
            if (conditions.containsKey(key)) {
                throw new RuleSyntaxException(lineNumber, word, "'" + key + "' appears twice");
            }
            conditions.put(key, word.substring(eq + 1));
        }
        if (at >= words.length) {
            throw new RuleSyntaxException(lineNumber, words[words.length - 1], "missing '-> DRIVER'");
        }
        if (at + 1 >= words.length) {
            throw new RuleSyntaxException(lineNumber, "->", "missing the driver after '->'");
        }
        if (at + 2 < words.length) {
            throw new RuleSyntaxException(lineNumber, words[at + 2], "nothing may follow the driver");
        }
        return build(conditions, words[at + 1], lineNumber);
    }

    private static Rule build(Map<String, String> c, String driver, int line) throws RuleSyntaxException {
        PortClass portClass = c.containsKey("class") ? portClass(c.get("class"), "class=", line) : null;
        PortClass parent = c.containsKey("parent") ? portClass(c.get("parent"), "parent=", line) : null;
        TreeSet<Integer> subclasses = new TreeSet<>();
        if (c.containsKey("subclass")) {
            String value = c.get("subclass");
            if (portClass == null) {
                throw new RuleSyntaxException(line, "subclass=" + value, "a subclass needs a class= condition");
            }
            if (!value.equalsIgnoreCase("any")) {
                for (String part : value.split("\\|", -1)) {
                    subclasses.add(subclass(portClass, part, line));
                }
            }
        }
        int caps = 0;
        if (c.containsKey("caps")) {
            try {
                caps = PortCaps.parse(c.get("caps"));
            } catch (MalformedException e) {
                throw new RuleSyntaxException(line, "caps=" + c.get("caps"), e.getMessage());
            }
        }
        int vendor = c.containsKey("vendor") ? number(c.get("vendor"), "vendor=", line) : -1;
        int device = c.containsKey("device") ? number(c.get("device"), "device=", line) : -1;
        if (!driver.equals(Rule.NONE) && !driver.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new RuleSyntaxException(line, driver,
                    "a driver is a program name (letters, digits, _ . -, at most 32) or none");
        }
        return new Rule(portClass, subclasses, parent, caps, vendor, device, driver.equals(Rule.NONE) ? null : driver);
    }

    private static PortClass portClass(String word, String key, int line) throws RuleSyntaxException {
        for (PortClass pc : PortClass.values()) {
            if (SubclassNames.className(pc).equalsIgnoreCase(word)) {
                return pc;
            }
        }
        throw new RuleSyntaxException(line, key + word, "unknown class '" + word + "'");
    }

    private static int subclass(PortClass portClass, String word, int line) throws RuleSyntaxException {
        Integer code = SubclassNames.code(portClass, word);
        if (code != null) {
            return code;
        }
        if (!word.isEmpty() && Character.isDigit(word.charAt(0))) {
            return number(word, "subclass=", line);
        }
        throw new RuleSyntaxException(line, "subclass=" + word, "no subclass '" + word + "' in class "
                + SubclassNames.className(portClass));
    }

    private static int number(String word, String key, int line) throws RuleSyntaxException {
        try {
            boolean hex = word.toLowerCase(Locale.ROOT).startsWith("0x");
            int v = Integer.parseInt(hex ? word.substring(2) : word, hex ? 16 : 10);
            if (v >= 0 && v <= 0xffff) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Falls through to the one error message below.
        }
        throw new RuleSyntaxException(line, key + word, "expected a number in 0..0xffff");
    }
}
