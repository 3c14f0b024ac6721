package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;

/**
 * Rules written as text by an independent renderer, parsed, and matched against random ports, compared with a
 * reference matcher working on the generator's own description of the rules.
 */
class RuleProperties {
    private static final List<PortClass> CLASSES =
            List.of(PortClass.BLOCK, PortClass.USB, PortClass.NETWORK, PortClass.STORAGE_CONTROLLER);
    private static final List<Integer> SUBCLASSES = List.of(0x00, 0x01, 0x02, 0x06, 0x0b, 0x30);

    /** The generator's view of a rule; null fields and -1 mean "any". */
    record Spec(PortClass portClass, Set<Integer> subclasses, PortClass parent, int caps, int vendor, int device,
                String driver) {
        String text() {
            List<String> words = new ArrayList<>(List.of("match"));
            if (portClass != null) {
                words.add("class=" + portClass.name().toLowerCase());
                if (!subclasses.isEmpty()) {
                    words.add("subclass=" + subclasses.stream().map(s -> "0x" + Integer.toHexString(s))
                            .collect(Collectors.joining("|")));
                }
            }
            if (parent != null) {
                words.add("parent=" + parent.name().toLowerCase());
            }
            if (caps != 0) {
                words.add("caps=" + PortCaps.describe(caps));
            }
            if (vendor >= 0) {
                words.add("vendor=" + vendor);
            }
            if (device >= 0) {
                words.add("device=0x" + Integer.toHexString(device));
            }
            words.add("->");
            words.add(driver);
            return String.join(" ", words);
        }

        boolean accepts(PortInfo p, PortClass parentClass) {
            boolean classOk = portClass == null || p.portClass() == portClass;
            boolean subOk = portClass == null || subclasses.isEmpty() || subclasses.contains(p.subclass());
            boolean parentOk = parent == null || parent == parentClass;
            return classOk && subOk && parentOk && (p.caps() & caps) == caps && (vendor < 0 || vendor == p.vendorId())
                    && (device < 0 || device == p.deviceId());
        }
    }

    @Provide
    Arbitrary<Spec> specs() {
        Arbitrary<PortClass> cls = Arbitraries.of(CLASSES).injectNull(0.3);
        Arbitrary<Set<Integer>> subs = Arbitraries.of(SUBCLASSES).set().ofMaxSize(3);
        Arbitrary<Integer> caps = Arbitraries.of(0, 0, PortCaps.DMA, PortCaps.DMA | PortCaps.MMIO, PortCaps.IRQ);
        Arbitrary<Integer> vendor = Arbitraries.of(-1, -1, -1, 0x8086, 0x1234);
        Arbitrary<Integer> device = Arbitraries.of(-1, -1, -1, 0x2922);
        Arbitrary<String> driver = Arbitraries.of("usbd", "partd", "fatfsd", "ahci", "ethd", "none");
        return Combinators.combine(cls, subs, cls, caps, vendor, device, driver).as(Spec::new);
    }

    @Provide
    Arbitrary<List<Spec>> specLists() {
        return specs().list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<PortInfo> ports() {
        return Combinators.combine(Arbitraries.of(CLASSES), Arbitraries.of(SUBCLASSES),
                        Arbitraries.of("", "parent", "absent"), Arbitraries.of(0, 0x8086, 0x1234),
                        Arbitraries.of(0, 0x2922), Arbitraries.integers().between(0, 127))
                .as((c, s, parent, v, d, caps) -> new PortInfo("port", c, s, parent, v, d, caps, null));
    }

    @Property(tries = 300)
    void firstMatchWinsAsTheReferenceSays(@ForAll("specLists") List<Spec> specs, @ForAll("ports") PortInfo port,
                                          @ForAll PortClass parentClass) throws Exception {
        StringBuilder text = new StringBuilder("# generated\n");
        specs.forEach(s -> text.append(s.text()).append('\n'));
        DeviceManager devices = new DeviceManager(RuleParser.parse(text.toString()));
        devices.registry().add(PortInfo.of("parent", parentClass, 0), 1);
        PortClass seenParent = port.parent().equals("parent") ? parentClass : null;
        Spec expected = specs.stream().filter(s -> s.accepts(port, seenParent)).findFirst().orElse(null);
        Rule actual = devices.match(port);
        assertEquals(expected == null ? null : expected.driver(),
                actual == null ? null : actual.isNone() ? Rule.NONE : actual.driver(), text + " " + port);
        if (expected != null) {
            assertEquals(specs.indexOf(expected), devices.rules().indexOf(actual), "the first matching rule");
        }
    }

    @Property(tries = 300)
    void canonicalTextRoundTrips(@ForAll("specs") Spec spec) throws RuleSyntaxException {
        Rule rule = RuleParser.parseLine(spec.text(), 1);
        assertEquals(rule, RuleParser.parseLine(rule.toString(), 1));
        assertEquals(rule.toString(), RuleParser.parseLine(rule.toString(), 1).toString());
    }

    @Example
    void theDefaultsFollowTheSeedDesign() {
        DeviceManager d = new DeviceManager(DefaultRules.rules());
        int mmio = PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO;
        assertEquals("usbd", d.match(new PortInfo("00:14.0:usb", PortClass.USB, PortSubclass.USB_XHCI, "pcie0:",
                0x8086, 0x1e31, mmio, null)).driver());
        assertEquals("ahci", d.match(new PortInfo("00:1f.2:ahci", PortClass.STORAGE_CONTROLLER,
                PortSubclass.STORAGE_AHCI, "pcie0:", 0x8086, 0x2922, mmio, null)).driver());
        assertEquals("ethd", d.match(new PortInfo("00:03.0:eth", PortClass.NETWORK, PortSubclass.NET_ETHERNET,
                "pcie0:", 0x8086, 0x100e, mmio, null)).driver());
        assertEquals(true, d.match(new PortInfo("eth0:", PortClass.NETWORK, PortSubclass.NET_ETHERNET, "00:03.0:eth",
                0x8086, 0x100e, PortCaps.DMA, null)).isNone(), "the port ethd serves gets no driver: netd binds to it");
        assertEquals(true, d.match(PortInfo.of("sw0", PortClass.NETWORK, PortSubclass.NET_SWITCH_PORT)).isNone());
        for (int fat : List.of(PortSubclass.BLOCK_FAT12, PortSubclass.BLOCK_FAT16_SMALL, PortSubclass.BLOCK_FAT16,
                PortSubclass.BLOCK_FAT32, PortSubclass.BLOCK_FAT32_LBA, PortSubclass.BLOCK_FAT16_LBA)) {
            assertEquals("fatfsd", d.match(PortInfo.of("p", PortClass.BLOCK, fat)).driver());
        }
        for (int other : List.of(PortSubclass.BLOCK_RAW, PortSubclass.BLOCK_LINUX, PortSubclass.BLOCK_NTFS)) {
            assertEquals("partd", d.match(PortInfo.of("p", PortClass.BLOCK, other)).driver());
        }
        assertEquals(null, d.match(new PortInfo("ahci-no-dma", PortClass.STORAGE_CONTROLLER,
                PortSubclass.STORAGE_AHCI, "", 0, 0, PortCaps.IRQ, null)));
        assertEquals(null, d.match(PortInfo.of("fs", PortClass.FILESYSTEM, 0)));
    }
}
