package org.microsim.examples;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.ActionChain;
import org.microsim.testkit.Disk;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.action.Action;
import org.microsim.testkit.chain.Chains;
import org.microsim.testkit.chain.Faults;
import org.microsim.testkit.chain.Invariant;
import org.microsim.testkit.chain.MachineState;
import org.microsim.testkit.chain.Workloads;

/**
 * A file system comes through a failing disk and hung drivers: disk errors ({@code fault disk ... error=io|timeout})
 * and hangs of fatfsd, partd or the AHCI driver ({@code fault task ... hang}), ended by {@code fault clear task} or a
 * crash of the hung task, among writes, appends, removals and syncs. Once the faults are over, every change fatfsd
 * acknowledged is there. A change whose command failed (an I/O error hit it, its driver hung and the call timed out)
 * may have happened or not, and is not judged until a later acknowledged change says what the file holds.
 *
 * <p>{@code fsck.fat -n} judges the volume too, once the faults are over: a data write that fails below fatfsd gives
 * back the clusters it took, so the volume stays consistent whatever failed.
 */
class FileSystemSurvivesFaultsProperties {
    private static final String VOLUME = "/vol/ahci0:disk0p1";
    private static final List<String> DRIVERS = List.of("fatfsd@ahci0:disk0p1", "partd@ahci0:disk0", "ahci");
    private static final Disk DISK = Disk.gpt().fat16Volume("DATA", 16 * Disk.MIB).file("/hello.txt", "hi");

    @Property(tries = 20)
    void acknowledgedFilesSurviveDiskErrorsAndHangsAndTheVolumeStaysClean(
            @ForAll("everyFault") ActionChain<MachineState> chain) {
        Chains.run(chain, Invariant.onceFaultsAreOver(Invariant.acknowledgedFilesSurvive()),
                Invariant.onceFaultsAreOver(Invariant.fsckClean("ahci0:disk0p1")));
    }

    @Provide
    Arbitrary<ActionChain<MachineState>> everyFault() {
        return chain(Arbitraries.frequencyOf(
                Tuple.of(6, Workloads.files(List.of(VOLUME))),
                Tuple.of(2, Faults.diskErrors(List.of("ahci0:disk0"))),
                Tuple.of(2, Faults.hangs(DRIVERS)),
                Tuple.of(1, Faults.crashes(DRIVERS))));
    }

    private static Arbitrary<ActionChain<MachineState>> chain(Arbitrary<Action> actions) {
        return Chains.of(() -> SimMachine.builder().disk(DISK).build(), actions, 12);
    }
}
