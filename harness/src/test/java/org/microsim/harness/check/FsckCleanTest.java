package org.microsim.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.script.Command;
import org.microsim.harness.session.SimSessionFactory;
import org.microsim.hosttools.HostTools;

/**
 * The fsck-clean invariant copies each volume written to out through {@code /dev} and runs {@code fsck.fat -n}:
 * a machine whose sync also zeroes the volume's boot sector (planted, test-only; the mounted file system keeps
 * working from what it read at mount, so only fsck sees it) breaks it, and the real machine does not.
 */
class FsckCleanTest {
    private static final List<String> SCENARIO = List.of("boot", "append /vol/ahci0:disk1p1/A.TXT one", "sync",
            "append /vol/ahci0:disk1p1/A.TXT two");

    @TempDir
    Path dir;

    @Test
    void aDamagedVolumeBreaksFsckCleanAndTheRealOneDoesNot() throws Exception {
        HostTools.require("fsck.fat");
        Path zeros = Files.write(dir.resolve("zeros"), new byte[512]);
        SessionFactory damaging = options -> HookedCommand.rewired(new SimSessionFactory().open(options), commands -> {
            Command put = HookedCommand.find(commands, "put");
            return commands.stream().map(c -> c.name().equals("sync") ? (Command) new HookedCommand(c,
                    HookedCommand.Hook.NOTHING, args -> put.run(List.of(zeros.toString(), "/dev/ahci0:disk1p1")))
                    : c).toList();
        });
        Trial.Result broken = new Trial(damaging, true).run(SCENARIO, 5);
        assertEquals(Optional.of(Invariant.FSCK_CLEAN), broken.violation().map(Violation::invariant),
                broken.transcript());
        assertTrue(broken.violation().get().detail().startsWith("/dev/ahci0:disk1p1: fsck.fat -n exit"),
                broken.violation().get().detail());

        Trial.Result clean = new Trial(new SimSessionFactory(), true).run(SCENARIO, 5);
        assertEquals(Optional.empty(), clean.violation(), clean.transcript());
    }
}
