package org.microsim.harness.bench;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.services.devd.DefaultRules;
import org.microsim.services.devd.DeviceManager;
import org.microsim.abi.devd.DevdException;
import org.microsim.services.devd.Rule;
import org.microsim.services.devd.RuleParser;
import org.microsim.services.devd.RuleSyntaxException;

/**
 * devd's matching: port registrations matched per second with 50 rules (44 that never match, placed first
 * so every port is compared with all of them, then the six defaults). Each round registers a tree of
 * controllers, disks and partitions into a fresh device manager. Baseline: the same ports matched against
 * the six default rules alone, so the figure shows what 50 rules cost.
 * Arguments: [ports per round, default 100000].
 */
public final class DevdMatchBench {
    private DevdMatchBench() {
    }

    public static void main(String[] args) throws RuleSyntaxException {
        int n = Measure.intArg(args, 0, 100_000);
        List<Rule> defaults = DefaultRules.rules();
        List<Rule> fifty = new ArrayList<>();
        for (int i = 0; i < 50 - defaults.size(); i++) {
            fifty.add(RuleParser.parseLine("match class=input vendor=0x" + Integer.toHexString(0x1000 + i)
                    + " -> inputd" + i, i + 1));
        }
        fifty.addAll(defaults);
        List<PortInfo> ports = tree(n);
        long with50 = Measure.median(5, () -> round(fifty, ports));
        long with6 = Measure.median(5, () -> round(defaults, ports));
        System.out.printf("%,d port registrations per round, median of 5 rounds%n", ports.size());
        System.out.printf("50 rules: %s%n", Measure.perSecond(ports.size(), with50));
        System.out.printf(" 6 rules: %s (baseline)%n", Measure.perSecond(ports.size(), with6));
        System.out.printf("cost of 50 rules vs 6: %.2fx the time%n", (double) with50 / with6);
    }

    /** Controllers, each with disks, each with partitions: parents always registered before children. */
    private static List<PortInfo> tree(int n) {
        List<PortInfo> ports = new ArrayList<>(n);
        ports.add(PortInfo.of("pcie0:", PortClass.BUS, PortSubclass.BUS_PCIE_ROOT));
        for (int c = 0; ports.size() < n; c++) {
            String controller = "c" + c + ":ahci";
            ports.add(new PortInfo(controller, PortClass.STORAGE_CONTROLLER, PortSubclass.STORAGE_AHCI, "pcie0:",
                    0x8086, 0x2922, PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO, null));
            for (int d = 0; d < 8 && ports.size() < n; d++) {
                String disk = "c" + c + "d" + d;
                ports.add(new PortInfo(disk, PortClass.BLOCK, PortSubclass.BLOCK_RAW, controller, 0, 0, PortCaps.DMA,
                        null));
                for (int p = 1; p <= 4 && ports.size() < n; p++) {
                    ports.add(new PortInfo(disk + "p" + p, PortClass.BLOCK, PortSubclass.BLOCK_FAT32, disk, 0, 0,
                            PortCaps.DMA, null));
                }
            }
        }
        return ports;
    }

    private static long round(List<Rule> rules, List<PortInfo> ports) {
        DeviceManager devd = new DeviceManager(rules);
        long start = System.nanoTime();
        long id = 1;
        try {
            for (PortInfo p : ports) {
                devd.addPort(p, id++, p.portClass() != PortClass.BUS && p.portClass() != PortClass.STORAGE_CONTROLLER);
            }
        } catch (DevdException e) {
            throw new IllegalStateException(e);
        }
        return System.nanoTime() - start;
    }
}
