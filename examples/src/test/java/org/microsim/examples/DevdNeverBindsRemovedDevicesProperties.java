package org.microsim.examples;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.ActionChain;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.testkit.Disk;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.action.Action;
import org.microsim.testkit.chain.Chains;
import org.microsim.testkit.chain.Faults;
import org.microsim.testkit.chain.Invariant;
import org.microsim.testkit.chain.MachineState;
import org.microsim.testkit.chain.Workloads;

/**
 * devd never binds a driver to a device that is gone: sticks pulled out and put back, crashes of usbd and devd,
 * files written meanwhile; after every step, each port devd's registry shows with a driver bound is a port the
 * kernel still has, and no driver of a stick runs while no stick is in.
 */
class DevdNeverBindsRemovedDevicesProperties {
    /** The stick's image: made afresh for each machine, attached again after each detach. */
    static final String STICK = java.nio.file.Path.of("target", "example-stick.img").toAbsolutePath().toString();

    @Property(tries = 20)
    void everyBoundPortExists(@ForAll("chains") ActionChain<MachineState> chain) {
        Chains.run(chain, Invariant.of("devd binds only present devices", s -> {
            Set<String> ports = s.machine().ports().stream().map(p -> p.info().name()).collect(Collectors.toSet());
            for (LsdevEntry e : s.machine().devices()) {
                boolean bound = !e.driver().equals("-") && !e.driver().equals("none");
                if (bound && !ports.contains(e.info().name())) {
                    throw new AssertionError(e.driver() + " is bound to " + e.info().name() + ", which is gone");
                }
            }
            boolean stickIn = ports.contains("msc0:");
            s.machine().tasks().stream()
                    .filter(t -> t.state().alive() && t.name().endsWith("@msc0:") && !stickIn)
                    .findFirst().ifPresent(t -> {
                        throw new AssertionError(t.name() + " runs with no stick in");
                    });
        }));
    }

    @Provide
    Arbitrary<ActionChain<MachineState>> chains() {
        return Chains.of(DevdNeverBindsRemovedDevicesProperties::machine, Arbitraries.oneOf(
                Faults.usb(STICK, 1), Faults.usb(STICK, 1),
                Faults.crashes(List.of("usbd", "devd", "partd@msc0:")),
                Workloads.files(List.of("/vol/msc0:p1")),
                Arbitraries.just(new Action.Sleep(java.time.Duration.ofSeconds(1)))), 10);
    }

    private static SimMachine machine() {
        Disk stick = Disk.mbr().fat16Volume("STICK", 16 * Disk.MIB).file("/a.txt", "on the stick");
        try {
            stick.writeTo(java.nio.file.Path.of(STICK));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return SimMachine.builder().drive(java.nio.file.Path.of(STICK), "if=usb").build();
    }
}
