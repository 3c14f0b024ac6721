package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Completion;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;

/** Tab completes what the arguments of the demo machine's commands may be, from what is there. */
class CompletionsTest {
    @TempDir
    Path host;

    private Session session;
    private CommandSet commands;

    @BeforeEach
    void boot() throws Exception {
        session = new SimSessionFactory().open(MachineOptions.defaults().withBaseDir(host));
        commands = Commands.of(session);
        run("boot");
    }

    @AfterEach
    void close() {
        session.close();
    }

    private void run(String name, String... args) {
        Outcome outcome = new Invocation(commands.find(name).orElseThrow(), List.of(args)).run();
        assertTrue(outcome instanceof Outcome.Success, outcome.text());
    }

    private List<Completion> complete(String command, List<String> before, String prefix) {
        return commands.completeArgument(command, before, prefix);
    }

    private List<String> values(String command, List<String> before, String prefix) {
        return complete(command, before, prefix).stream().map(Completion::value).toList();
    }

    @Test
    void simulatedPathsAsTheVfsListsThem() {
        assertEquals(List.of(new Completion("/dev/", false)), complete("ls", List.of(), "/d"));
        assertTrue(values("cat", List.of(), "/dev/ahci0:disk0p").containsAll(
                List.of("/dev/ahci0:disk0p1", "/dev/ahci0:disk0p2")));
        assertEquals(List.of(new Completion("/vol/ahci0:disk0p1/README.TXT", true)),
                complete("cat", List.of(), "/vol/ahci0:disk0p1/READ"));
        run("mkdir", "/vol/ahci0:disk0p2/my files");
        assertEquals(List.of(new Completion("/vol/ahci0:disk0p2/my files/", false)),
                complete("mv", List.of("/x"), "/vol/ahci0:disk0p2/my"));
    }

    @Test
    void hostPathsForGetAndPutHiddenOnlyWhenADotIsTyped() throws Exception {
        Files.writeString(host.resolve("notes.txt"), "");
        Files.writeString(host.resolve(".hidden"), "");
        Files.createDirectory(host.resolve("sub"));
        assertEquals(List.of(new Completion("notes.txt", true), new Completion("sub/", false)),
                complete("put", List.of(), ""));
        assertEquals(List.of(".hidden"), values("get", List.of("/vol/ahci0:disk0p1/README.TXT"), "."));
        assertEquals(List.of(), values("get", List.of(), "no"), "get's first word is a simulated path");
    }

    @Test
    void fetchWritesAHostFileOrOneUnderVol() throws Exception {
        Files.writeString(host.resolve("page.html"), "");
        assertEquals(List.of(), values("fetch", List.of(), "http://10.0.2.15/"), "nothing to offer for a URL");
        assertEquals(List.of("page.html"), values("fetch", List.of("http://10.0.2.15/"), "pa"));
        assertTrue(values("fetch", List.of("http://10.0.2.15/"), "/v").contains("/vol/"));
        assertEquals(List.of("/vol/ahci0:disk0p1/"), values("fetch", List.of("http://10.0.2.15/"),
                "/vol/ahci0:disk0p1"));
    }

    @Test
    void faultKindsThenWhatEachTakes() {
        assertEquals(List.of("disk"), values("fault", List.of(), "di"));
        assertEquals(List.of("ahci0:disk0", "ahci0:disk1", "msc0:"),
                values("fault", List.of("disk"), "").stream().sorted().toList());
        assertEquals(List.of("vfs"), values("fault", List.of("task"), "vf"));
        assertEquals(List.of("user"), values("fault", List.of("link"), ""));
        assertEquals(List.of("detach"), values("fault", List.of("usb"), ""));
        assertEquals(List.of("00:1f.2:ahci"), values("fault", List.of("irq"), "00:1f"));
        assertEquals(List.of("irq"), values("fault", List.of("clear"), "i"));
        assertEquals(List.of(), values("fault", List.of("disk", "msc0:"), ""));
    }

    @Test
    void interfacesAndLans() {
        assertEquals(List.of("eth0"), values("ifconfig", List.of(), "e"));
        assertEquals(List.of("mtu"), values("ifconfig", List.of("eth0"), "m"));
        assertEquals(List.of("dhcp", "mtu", "off"), values("ifconfig", List.of("eth0"), ""));
        assertEquals(List.of("down"), values("link", List.of(), "d"));
        assertEquals(List.of("eth0"), values("link", List.of("down"), ""));
        assertEquals(List.of("user"), values("lan", List.of(), ""));
    }

    @Test
    void tasksServicesAndPrograms() {
        assertEquals(List.of("vfs"), values("kill", List.of(), "vf"));
        assertEquals(List.of("shell"), values("restart", List.of(), "she"));
        assertEquals(List.of("echo", "fetch", "pinger", "tcpecho", "tcpperf", "udpecho", "udpperf"),
                values("spawn", List.of(), ""));
        assertEquals(List.of(), values("spawn", List.of("pinger"), ""), "a program's own words are not known");
    }
}
