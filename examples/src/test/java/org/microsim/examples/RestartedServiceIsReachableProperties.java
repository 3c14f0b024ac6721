package org.microsim.examples;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.ActionChain;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.action.Action;
import org.microsim.testkit.chain.Chains;
import org.microsim.testkit.chain.Faults;
import org.microsim.testkit.chain.Invariant;
import org.microsim.testkit.chain.MachineState;

/**
 * A restarted service is reachable again: on the demo machine, crashes, kills and restarts of the services a file
 * read goes through (the VFS, fatfsd, partd, ahci) and of devd and the service manager; after each, once a few
 * seconds have passed, a file on the disk reads through the whole chain again.
 */
class RestartedServiceIsReachableProperties {
    static final List<String> SERVICES = List.of("vfs", "fatfsd@ahci0:disk0p1", "partd@ahci0:disk0", "ahci");

    @Property(tries = 20)
    void aFileReadsAgainAfterEveryRestart(@ForAll("chains") ActionChain<MachineState> chain) {
        Chains.run(chain, new Invariant("the file system is reachable again", s -> {
            s.machine().command("sleep 3s");
            return s.machine().check("cat /vol/ahci0:disk0p1/README.TXT", "expect output contains \"Welcome\"");
        }));
    }

    @Provide
    Arbitrary<ActionChain<MachineState>> chains() {
        return Chains.of(() -> SimMachine.builder().build(), Arbitraries.oneOf(
                Faults.crashes(List.of("vfs", "fatfsd@ahci0:disk0p1", "partd@ahci0:disk0", "ahci", "devd", "svcman")),
                Arbitraries.of(SERVICES).map(s -> new Action.Restart("restart", s))), 8);
    }
}
