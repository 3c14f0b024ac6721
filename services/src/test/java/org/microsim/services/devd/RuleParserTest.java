package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;

class RuleParserTest {
    @Test
    void theIssuesExamplesParse() throws RuleSyntaxException {
        List<Rule> rules = RuleParser.parse("""
                # the issue's examples
                match class=usb subclass=0x30 -> usbd
                match class=block subclass=fat12|fat16|fat32|0x0c|0x0e -> fatfsd

                match class=block -> partd   # everything else on a disk
                match class=storage_controller subclass=ahci caps=DMA|MMIO -> ahci
                match class=network subclass=ethernet -> ethd
                match class=network subclass=switch_port -> none
                """);
        assertEquals(6, rules.size());
        assertEquals(new Rule(PortClass.USB, new TreeSet<>(Set.of(0x30)), null, 0, -1, -1, "usbd"), rules.get(0));
        assertEquals(Set.of(0x01, 0x06, 0x0b, 0x0c, 0x0e), rules.get(1).subclasses());
        assertEquals(PortCaps.DMA | PortCaps.MMIO, rules.get(3).caps());
        assertNull(rules.get(5).driver());
        assertEquals("match class=usb subclass=xhci -> usbd", rules.get(0).toString());
        assertEquals("match class=network subclass=switch_port -> none", rules.get(5).toString());
    }

    @Test
    void allConditionsTogetherRoundTrip() throws RuleSyntaxException {
        String text = "match class=block subclass=fat32|0x99 parent=storage_controller caps=DMA|BOOTABLE "
                + "vendor=0x8086 device=0x2922 -> fatfsd";
        Rule rule = RuleParser.parseLine(text, 1);
        assertEquals(text, rule.toString());
        assertEquals(rule, RuleParser.parseLine("MATCH device=10530 vendor=32902 caps=bootable|dma "
                + "parent=STORAGE_CONTROLLER subclass=0x99|FAT32 class=Block -> fatfsd", 1));
        assertEquals("match -> none", RuleParser.parseLine("match -> none", 1).toString());
        assertEquals("match class=block -> partd", RuleParser.parseLine("match class=block subclass=any -> partd", 1)
                .toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "when class=block -> partd; when; starts with 'match'",
        "match class=blok -> partd; class=blok; unknown class",
        "match klass=block -> partd; klass=block; unknown key 'klass'",
        "match class=block class=usb -> partd; class=usb; appears twice",
        "match subclass=fat32 -> fatfsd; subclass=fat32; needs a class",
        "match class=usb subclass=fat32 -> fatfsd; subclass=fat32; no subclass 'fat32' in class usb",
        "match class=block vendor=0x10000 -> x; vendor=0x10000; 0..0xffff",
        "match class=block vendor=abc -> x; vendor=abc; 0..0xffff",
        "match class=block caps=DMA|WARP -> x; caps=DMA|WARP; unknown capability",
        "match class=block partd; partd; expected key=value",
        "match class=block; class=block; missing '-> DRIVER'",
        "match class=block ->; ->; missing the driver",
        "match class=block -> partd fatfsd; fatfsd; nothing may follow",
        "match class=block -> part/d; part/d; a driver is a program name",
        "match class= -> x; class=; expected key=value",
    })
    void errorsNameTheLineAndTheWord(String line, String word, String why) {
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class,
                () -> RuleParser.parse("# rules\n\nmatch class=block -> partd\n" + line + "\n"));
        assertEquals(4, e.line());
        assertEquals(word, e.word());
        assertEquals(true, e.getMessage().startsWith("line 4: '" + word + "': "), e.getMessage());
        assertEquals(true, e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void theDefaultsParse() {
        assertEquals(7, DefaultRules.rules().size());
    }
}
