package org.microsim.harness.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.console.Console;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.session.SimSessionFactory;
import org.microsim.hosttools.HostTools;

/**
 * The page in a real browser (Debian's headless Chromium, driven over the DevTools protocol), as a person uses it:
 * the demo machine's device tree is there with each port's PortInfo and driver, "crash ahci" is clicked, the
 * service graph shows the restart wave in dependency order, the console shows the command, and the tree is back
 * with its drivers ready. The page at that moment is saved as {@code target/web-view.png}.
 */
class WebViewBrowserTest {
    /** Where the screenshot goes: the build's output, for the change's note. */
    static final Path SCREENSHOT = Path.of("target", "web-view.png");

    @Test
    void crashingAhciFromThePageShowsTheRestartWaveAndTheTreeComesBack() throws Exception {
        HostTools.require("chromium");
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        try (Session session = new SimSessionFactory().open(MachineOptions.defaults())) {
            CommandSet commands = Commands.of(session);
            Console console = Console.onStreams(commands, InputStream.nullInputStream(), transcript, false);
            console.submit("boot");
            try (WebView view = WebView.start("127.0.0.1:0", commands, session::view, console::submit);
                    Chromium page = Chromium.open(view.url())) {
                String nodes = page.until("devices.nodes().map(n => n.data('name')).sort().join(' ')",
                        v -> v.contains("ahci0:disk0p2"));
                for (String port : List.of("pcie0:", "00:1f.2:ahci", "00:14.0:usb", "00:03.0:eth", "ahci0:disk0",
                        "ahci0:disk0p1", "ahci0:disk1p1", "msc0:", "msc0:p1", "eth0:")) {
                    assertTrue(List.of(nodes.split(" ")).contains(port), port + " is in the tree: " + nodes);
                }
                assertEquals("true", page.eval("devices.getElementById('e:pcie0:>00:1f.2:ahci').nonempty()"
                        + " && devices.getElementById('e:00:1f.2:ahci>ahci0:disk0').nonempty()"
                        + " && devices.getElementById('e:ahci0:disk0>ahci0:disk0p1').nonempty()"), "the tree's edges");
                String controller = page.eval("devices.getElementById('d:00:1f.2:ahci').data('label')");
                for (String shown : List.of("storage_controller/ahci", "8086:2922", "DMA|IRQ|MMIO", "ahci ready")) {
                    assertTrue(controller.contains(shown), "the controller's node shows " + shown + ": " + controller);
                }
                assertEquals("true", page.eval("services.getElementById('e:ahci@00:1f.2:ahci>partd@ahci0:disk0')"
                        + ".nonempty()"), "the service graph has the dependency of partd on ahci");

                page.eval("document.querySelector('button[data-command=\"crash ahci\"]').click()");

                String wave = page.until("document.getElementById('wave').textContent",
                        v -> v.contains("ahci@00:1f.2:ahci"));
                assertTrue(wave.indexOf("ahci@00:1f.2:ahci") < wave.indexOf("partd@ahci0:disk0")
                        && wave.indexOf("partd@ahci0:disk0") < wave.indexOf("fatfsd@ahci0:disk0p1"),
                        "the wave goes down the dependencies: " + wave);
                assertTrue(!wave.contains("usbd") && !wave.contains("vfs"), "only ahci's dependents restart: " + wave);
                page.until("document.getElementById('history').textContent", v -> v.contains("crashed"));
                assertEquals("", page.eval("devices.nodes().filter(n => n.data('state') && !['ready', '-']"
                        + ".includes(n.data('state'))).map(n => n.data('name')).join(' ')"), "every driver is back");
                String events = page.eval("document.getElementById('events').textContent");
                assertTrue(events.contains("CRASH") && events.contains("ahci0:disk0 gen 2"),
                        "the timeline has the crash and the disk back: " + events);
                page.screenshot(SCREENSHOT);
            }
        }
        assertTrue(Files.size(SCREENSHOT) > 10_000, "a screenshot of the page was saved");
        assertTrue(transcript.toString(StandardCharsets.UTF_8).contains("sim> crash ahci"),
                "the console shows the command sent by the page");
    }
}
