package org.microsim.examples;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.ActionChain;
import org.microsim.testkit.Disk;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.chain.Chains;
import org.microsim.testkit.chain.Faults;
import org.microsim.testkit.chain.Invariant;
import org.microsim.testkit.chain.MachineState;
import org.microsim.testkit.chain.Workloads;

/** A file system survives crashes: what fatfsd acknowledged is on the disk, and the disk stays clean. */
class FileSystemSurvivesCrashesProperties {
    @Property(tries = 20)
    void acknowledgedFilesSurviveCrashes(@ForAll("chains") ActionChain<MachineState> chain) {
        Chains.run(chain, Invariant.acknowledgedFilesSurvive(), Invariant.fsckClean("ahci0:disk0p1"),
                Invariant.everyCallAnswered());
    }

    @Provide
    Arbitrary<ActionChain<MachineState>> chains() {
        Disk disk = Disk.gpt().fat16Volume("DATA", 16 * Disk.MIB).file("/hello.txt", "hi");
        return Chains.of(() -> SimMachine.builder().disk(disk).build(),
                Arbitraries.oneOf(
                        Workloads.files(List.of("/vol/ahci0:disk0p1")),     // write, append, rm, mkdir, sync
                        Workloads.time(),                                    // sleep
                        Faults.crashes(List.of("fatfsd", "partd", "ahci"))), // crash or kill
                12);
    }
}
