package org.microsim.testkit.action;

import java.time.Duration;
import java.util.Optional;
import org.microsim.testkit.Scn;

/**
 * A fault, as a line of the {@code fault} command: errors of a disk, a task that hangs, crashes or slows down, a
 * lossy or cut link, a USB device pulled out, interrupts lost, and {@code fault clear}. Times ({@code at=}) are
 * virtual, from boot; probabilities are drawn from the machine's seed, so a fault schedule replays.
 */
public sealed interface Fault extends Action {
    /** {@code fault disk DEV error=io|timeout|corrupt [at=TIME] [count=N] [lba=FIRST-LAST]}. */
    record Disk(String device, String error, Optional<Duration> at, Optional<Integer> count,
                Optional<Lbas> lbas) implements Fault {
        public Disk {
            if (!error.equals("io") && !error.equals("timeout") && !error.equals("corrupt")) {
                throw new IllegalArgumentException("a disk error is io, timeout or corrupt, not " + error);
            }
        }

        @Override
        public String toScenarioLine() {
            return "fault disk " + Scn.word(device) + " error=" + error + atWord(at)
                    + count.map(n -> " count=" + n).orElse("")
                    + lbas.map(r -> " lba=" + r.first() + "-" + r.last()).orElse("");
        }
    }

    /** The blocks a disk fault hits, {@code first} to {@code last} inclusive. */
    record Lbas(long first, long last) {
    }

    /** {@code fault task TASK hang|crash|slow=DURATION [at=TIME]}; {@code slow} empty for hang or crash. */
    record Task(String task, String how, Optional<Duration> slow, Optional<Duration> at) implements Fault {
        @Override
        public String toScenarioLine() {
            return "fault task " + Scn.word(task) + " " + slow.map(d -> "slow=" + d.toMillis() + "ms").orElse(how) + atWord(at);
        }
    }

    /** {@code fault link LAN [loss=P] [delay=D] [dup=P] [reorder=P]}. */
    record Link(String lan, double loss, Duration delay, double dup, double reorder) implements Fault {
        @Override
        public String toScenarioLine() {
            return "fault link " + Scn.word(lan) + " loss=" + loss + " delay=" + delay.toMillis() + "ms dup=" + dup
                    + " reorder=" + reorder;
        }
    }

    /** {@code fault link LAN down|up}. */
    record LinkState(String lan, boolean up) implements Fault {
        @Override
        public String toScenarioLine() {
            return "fault link " + Scn.word(lan) + (up ? " up" : " down");
        }
    }

    /** {@code fault usb detach [PORT|DEVICE] [at=TIME]}. */
    record Usb(String which, Optional<Duration> at) implements Fault {
        @Override
        public String toScenarioLine() {
            return "fault usb detach " + Scn.word(which) + atWord(at);
        }
    }

    /** {@code fault irq DEV drop=P}. */
    record Irq(String device, double drop) implements Fault {
        @Override
        public String toScenarioLine() {
            return "fault irq " + Scn.word(device) + " drop=" + drop;
        }
    }

    /** {@code fault clear [disk|task|link|usb|irq]}; empty clears every kind. */
    record Clear(Optional<String> kind) implements Fault {
        @Override
        public String toScenarioLine() {
            return "fault clear" + kind.map(k -> " " + k).orElse("");
        }
    }

    private static String atWord(Optional<Duration> at) {
        return at.map(d -> " at=" + d.toMillis() + "ms").orElse("");
    }
}
