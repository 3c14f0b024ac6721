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

class FileSystemSurvivesCrashesProperties {
    static final String VOLUME = "/vol/ahci0:disk0p1";

    @Property(tries = 20)
    void acknowledgedFilesSurviveCrashes(@ForAll("chains") ActionChain<MachineState> chain) {
        Chains.run(chain, Invariant.acknowledgedFilesSurvive(), Invariant.fsckClean("ahci0:disk0p1"),
                Invariant.everyCallAnswered());
    }

    @Provide
    Arbitrary<ActionChain<MachineState>> chains() {
        return Chains.of(() -> SimMachine.builder()
                        .disk(Disk.gpt().fat16Volume("DATA", 16 * Disk.MIB).file("/hello.txt", "hi"))
                        .build(),
                Arbitraries.oneOf(Workloads.files(List.of(VOLUME)), Workloads.time(),
                        Faults.crashes(List.of("fatfsd", "partd", "ahci"))),
                12);
    }
}
