package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The option words of --drive and --nic. */
class MachineOptionsTest {
    private final Path base = Path.of("/scenarios");

    @Test
    void aDriveWithEveryOption() throws MachineException {
        DriveConfig.File d = MachineOptions.parseDrive("file=disks/a.img,if=ahci,readonly=on,format=raw", base);
        assertEquals(Path.of("/scenarios/disks/a.img"), d.path());
        assertTrue(d.readOnly());
        assertEquals(false, d.persist());
        DriveConfig.File p = MachineOptions.parseDrive("if=ahci,file=/abs/b.img,persist=on", base);
        assertEquals(Path.of("/abs/b.img"), p.path());
        assertTrue(p.persist());
    }

    @Test
    void aDoubledCommaIsACommaInThePath() throws MachineException {
        assertEquals(Path.of("/scenarios/a,b.img"), MachineOptions.parseDrive("file=a,,b.img,if=ahci", base).path());
    }

    @Test
    void errorsNameTheOffendingWord() {
        assertMessage("file=a.img,if=ahci,cache=none", "cache=none");
        assertMessage("file=a.img,readonly=yes", "readonly=yes");
        assertMessage("file=a.img,if=scsi", "if=scsi");
        assertMessage("file=a.img,format=qcow2", "format=qcow2");
        assertMessage("file=a.img,bogus", "bogus");
        assertMessage("if=ahci", "file=PATH");
        assertMessage("file=a.img,file=b.img", "file");
        assertMessage("file=a.img,readonly=on,persist=on", "contradict");
    }

    @Test
    void usbDrivesAndSticks() throws MachineException {
        assertEquals(DriveConfig.Bus.AHCI, MachineOptions.parseDrive("file=a.img", base).bus());
        assertEquals(DriveConfig.Bus.USB, MachineOptions.parseDrive("file=a.img,if=usb", base).bus());
        assertEquals(DriveConfig.Bus.USB_HUB, MachineOptions.parseDrive("file=a.img,if=usb,bus=hub", base).bus());
        assertMessage("file=a.img,bus=hub", "needs if=usb");
        assertMessage("file=a.img,if=usb,bus=pci", "bus=pci");
        MachineOptions.Stick stick = MachineOptions.parseStick("file=s.img,readonly=on,port=1.3", base);
        assertEquals(Path.of("/scenarios/s.img"), stick.file().path());
        assertTrue(stick.file().readOnly());
        assertEquals(DriveConfig.Bus.USB, stick.file().bus());
        assertEquals(Optional.of("1.3"), stick.port());
        assertEquals(Optional.empty(), MachineOptions.parseStick("file=s.img", base).port());
        assertTrue(assertThrows(MachineException.class, () -> MachineOptions.parseStick("file=s.img,if=ahci", base))
                .getMessage().contains("if=ahci"));
        assertTrue(assertThrows(MachineException.class, () -> MachineOptions.parseStick("file=s.img,port=", base))
                .getMessage().contains("port="));
    }

    @Test
    void usbPortPaths() throws MachineException {
        assertEquals(java.util.List.of(2), UsbPorts.parse("2"));
        assertEquals(java.util.List.of(1, 3), UsbPorts.parse("1.3"));
        assertEquals("1.3", UsbPorts.format(java.util.List.of(1, 3)));
        for (String bad : new String[] {"", "0", "1.", ".1", "a", "1.2.3.4.5.6.7", "-1", "99999"}) {
            assertThrows(MachineException.class, () -> UsbPorts.parse(bad), bad);
        }
    }

    @Test
    void nics() throws MachineException {
        assertEquals(Optional.empty(), MachineOptions.parseNic("").mac());
        assertEquals(MacAddress.parse("52:54:00:aa:bb:cc"),
                MachineOptions.parseNic("mac=52:54:00:AA:BB:CC,model=e1000").mac().orElseThrow());
        assertTrue(assertThrows(MachineException.class, () -> MachineOptions.parseNic("mac=52:54:00"))
                .getMessage().contains("mac=52:54:00"));
        assertTrue(assertThrows(MachineException.class, () -> MachineOptions.parseNic("mac=01:00:5e:00:00:01"))
                .getMessage().contains("unicast"));
        assertTrue(assertThrows(MachineException.class, () -> MachineOptions.parseNic("vlan=2"))
                .getMessage().contains("vlan=2"));
        assertTrue(assertThrows(MachineException.class, () -> MachineOptions.parseNic("model=virtio"))
                .getMessage().contains("model=virtio"));
    }

    @Test
    void hostForwardsRepeatAndDefaultToLoopbackAndTheFirstLease() throws MachineException {
        NicConfig nic = MachineOptions.parseNic("hostfwd=tcp::8080-:80,mac=52:54:00:12:34:56,"
                + "hostfwd=tcp:0.0.0.0:2222-10.0.2.16:22,hostfwd=::9000-:90");
        assertEquals(List.of(new NicConfig.HostForward("127.0.0.1", 8080, Optional.empty(), 80),
                new NicConfig.HostForward("0.0.0.0", 2222, Optional.of("10.0.2.16"), 22),
                new NicConfig.HostForward("127.0.0.1", 9000, Optional.empty(), 90)), nic.forwards());
        assertEquals("tcp:127.0.0.1:8080-:80", nic.forwards().get(0).toString());
        assertEquals(List.of(), MachineOptions.parseNic("").forwards());
    }

    @Test
    void badHostForwardsSayWhatIsWrong() {
        Map<String, String> bad = Map.of(
                "hostfwd=udp::53-:53", "only tcp",
                "hostfwd=sctp::1-:1", "not 'sctp'",
                "hostfwd=tcp:8080-:80", "not [ADDR]:PORT",
                "hostfwd=tcp::8080", "joined by one '-'",
                "hostfwd=tcp::0-:80", "host port '0'",
                "hostfwd=tcp::8080-:70000", "guest port '70000'",
                "hostfwd=tcp:localhost:8080-:80", "host address 'localhost'",
                "hostfwd=tcp::8080-10.0.2:80", "guest address '10.0.2'",
                "hostfwd=tcp::8080-:80,hostfwd=tcp::8080-:81", "forwarded twice",
                "net=other,hostfwd=tcp::8080-:80", "needs net=user");
        bad.forEach((words, why) -> {
            String message = assertThrows(MachineException.class, () -> MachineOptions.parseNic(words)).getMessage();
            assertTrue(message.contains(why), words + ": " + message);
            assertTrue(message.startsWith("nic"), words + ": " + message);
        });
    }

    @Test
    void macAddressesPrintAndCount() {
        assertEquals("52:54:00:12:34:56", MacAddress.DEFAULT.toString());
        assertEquals("52:54:00:12:34:57", MacAddress.DEFAULT.plus(1).toString());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("52:54:00:12:34:zz"));
    }

    private void assertMessage(String words, String fragment) {
        MachineException e = assertThrows(MachineException.class, () -> MachineOptions.parseDrive(words, base));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
