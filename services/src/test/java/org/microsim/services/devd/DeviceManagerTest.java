package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Replies;
import org.microsim.abi.WireWriter;
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.DevdException;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.ServiceState;

class DeviceManagerTest {
    private static final int HW = PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO;
    private final DeviceManager devd = new DeviceManager(DefaultRules.rules());

    private static final PortInfo DISK = new PortInfo("ahci0", PortClass.BLOCK, PortSubclass.BLOCK_RAW,
            "00:1f.2:ahci", 0, 0, 0, null);

    private List<DevdAction> machine() throws DevdException {
        List<DevdAction> actions = new ArrayList<>();
        actions.addAll(devd.addPort(PortInfo.of("pcie0:", PortClass.BUS, PortSubclass.BUS_PCIE_ROOT), 1, false));
        actions.addAll(devd.addPort(new PortInfo("00:1f.2:ahci", PortClass.STORAGE_CONTROLLER,
                PortSubclass.STORAGE_AHCI, "pcie0:", 0x8086, 0x2922, HW, null), 2, false));
        actions.addAll(devd.addPort(new PortInfo("00:03.0:eth", PortClass.NETWORK, PortSubclass.NET_ETHERNET,
                "pcie0:", 0x8086, 0x100e, HW, null), 3, false));
        actions.addAll(devd.addPort(DISK, 4, true));
        actions.addAll(devd.addPort(new PortInfo("ahci0p1", PortClass.BLOCK, PortSubclass.BLOCK_FAT32, "ahci0", 0, 0,
                PortCaps.BOOTABLE, null), 5, true));
        actions.addAll(devd.addPort(new PortInfo("ahci0p1.fs", PortClass.FILESYSTEM, 0, "ahci0p1", 0, 0, 0, null), 6,
                true));
        return actions;
    }

    @Test
    void eachDriverServiceDependsOnTheDriverOfTheParentPort() throws DevdException {
        assertEquals(List.of(new DevdAction.StartDriver("00:1f.2:ahci", 2, "ahci", "ahci@00:1f.2:ahci", ""),
                new DevdAction.StartDriver("00:03.0:eth", 3, "ethd", "ethd@00:03.0:eth", ""),
                new DevdAction.StartDriver("ahci0", 4, "partd", "partd@ahci0", "ahci@00:1f.2:ahci"),
                new DevdAction.StartDriver("ahci0p1", 5, "fatfsd", "fatfsd@ahci0p1", "partd@ahci0")), machine());
    }

    @Test
    void aServiceIsNamedAfterItsPortAndTooLongOrOddNamesEndInAHash() {
        assertEquals("partd@ahci0:disk0", DeviceManager.serviceName("partd", "ahci0:disk0"));
        String longName = DeviceManager.serviceName("fatfsd", "usb0:hub1:port2:msc0:disk0p12");
        assertEquals(32, longName.length());
        assertTrue(longName.startsWith("fatfsd@usb0:hub1:port2:"), longName);
        assertNotEquals(longName, DeviceManager.serviceName("fatfsd", "usb0:hub1:port2:msc0:disk0p13"));
        String odd = DeviceManager.serviceName("partd", "disk, one");
        assertTrue(odd.matches("partd@disk__one~[0-9a-f]{8}"), odd);
        assertNotEquals(odd, DeviceManager.serviceName("partd", "disk_,one"));
    }

    @Test
    void aDriversPortThatGoesAwayIsDetachedAndTakenOverWhenItComesBack() throws DevdException {
        machine();
        Map<String, String> bound = devd.bindings();
        assertEquals(List.of(new DevdAction.Unregistered("ahci0", 4)), devd.removePort("ahci0", true));
        assertEquals(List.of(), devd.removePort("ahci0", true), "detached already");
        assertEquals(bound, devd.bindings(), "the drivers stay bound while theirs restart");
        assertEquals(List.of(), devd.addPort(DISK, 10, true), "no second partd");
        assertEquals(10, devd.registry().lookup("ahci0").portId());
        devd.removePort("ahci0p1", true);
        assertEquals(List.of(new DevdAction.Unregistered("ahci0p1.fs", 6),
                new DevdAction.StopDriver("ahci0p1", "fatfsd@ahci0p1"),
                new DevdAction.Unregistered("ahci0p1", PortRegistry.Entry.ABSENT),
                new DevdAction.StopDriver("ahci0", "partd@ahci0"), new DevdAction.Unregistered("ahci0", 10),
                new DevdAction.StopDriver("00:1f.2:ahci", "ahci@00:1f.2:ahci"), new DevdAction.Unregistered("00:1f.2:ahci", 2)),
                devd.removePort("00:1f.2:ahci", false), "an unplug takes detached ports too");
    }

    @Test
    void aRestartedServiceManagerIsToldOfEveryBoundDriverAlsoOfThoseWhosePortComesBackLater() throws DevdException {
        machine();
        devd.removePort("ahci0p1.fs", true);
        devd.removePort("ahci0p1", true);
        devd.removePort("ahci0", true);
        assertEquals(List.of(new DevdAction.StartDriver("00:03.0:eth", 3, "ethd", "ethd@00:03.0:eth", ""),
                        new DevdAction.StartDriver("00:1f.2:ahci", 2, "ahci", "ahci@00:1f.2:ahci", "")),
                devd.rebind(), "the drivers of the ports there now, parents first");
        assertEquals(List.of(new DevdAction.StartDriver("ahci0", 10, "partd", "partd@ahci0", "ahci@00:1f.2:ahci")),
                devd.addPort(DISK, 10, true), "the disk's driver, once its port is back");
        assertEquals(List.of(new DevdAction.StartDriver("ahci0p1", 11, "fatfsd", "fatfsd@ahci0p1", "partd@ahci0")),
                devd.addPort(new PortInfo("ahci0p1", PortClass.BLOCK, PortSubclass.BLOCK_FAT32, "ahci0", 0, 0,
                        PortCaps.BOOTABLE, null), 11, true));
        devd.removePort("ahci0", true);
        assertEquals(List.of(), devd.addPort(DISK, 12, true), "told once: later comings back are the manager's");
    }

    @Test
    void aMachineGetsItsDriversAndLsdevShowsTheTree() throws DevdException {
        machine();
        devd.addPort(PortInfo.of("vfs", PortClass.SERVICE, 0), 7, true);
        assertEquals(Map.of("00:03.0:eth", "ethd", "00:1f.2:ahci", "ahci", "ahci0", "partd", "ahci0p1", "fatfsd"),
                devd.bindings());
        devd.driverStates(Map.of("ahci@00:1f.2:ahci", ServiceState.READY, "partd@ahci0", ServiceState.READY,
                "ethd@00:03.0:eth", ServiceState.FAILED, "other", ServiceState.READY));
        assertEquals("""
                pcie0: bus pcie_root 0000:0000 - - -
                  00:03.0:eth network ethernet 8086:100e DMA|IRQ|MMIO ethd failed
                  00:1f.2:ahci storage_controller ahci 8086:2922 DMA|IRQ|MMIO ahci ready
                    ahci0 block raw 0000:0000 - partd ready
                      ahci0p1 block fat32 0000:0000 BOOTABLE fatfsd starting
                        ahci0p1.fs filesystem 0x00 0000:0000 - - -
                """, Lsdev.render(devd.lsdev()));
    }

    @Test
    void unplugRemovesTheSubtreeBottomUp() throws DevdException {
        machine();
        assertEquals(List.of(new DevdAction.Unregistered("ahci0p1.fs", 6),
                new DevdAction.StopDriver("ahci0p1", "fatfsd@ahci0p1"), new DevdAction.Unregistered("ahci0p1", 5),
                new DevdAction.StopDriver("ahci0", "partd@ahci0"), new DevdAction.Unregistered("ahci0", 4),
                new DevdAction.StopDriver("00:1f.2:ahci", "ahci@00:1f.2:ahci"), new DevdAction.Unregistered("00:1f.2:ahci", 2)),
                devd.removePort("00:1f.2:ahci", false));
        assertEquals(Map.of("00:03.0:eth", "ethd"), devd.bindings());
        assertEquals(List.of(), devd.removePort("00:1f.2:ahci", false), "removing an unknown port does nothing");
    }

    @Test
    void anUnplugTellsTheSubscribersThatTheirDriversAreGoneForGood() throws DevdException {
        machine();
        devd.subscribe("vfs", PortClass.FILESYSTEM);
        devd.subscribe("vfs", PortClass.BLOCK);
        assertEquals(List.of(new DevdAction.NotifyGone("vfs", 6), new DevdAction.Unregistered("ahci0p1.fs", 6),
                new DevdAction.StopDriver("ahci0p1", "fatfsd@ahci0p1"), new DevdAction.NotifyGone("vfs", 5),
                new DevdAction.Unregistered("ahci0p1", 5), new DevdAction.StopDriver("ahci0", "partd@ahci0"),
                new DevdAction.NotifyGone("vfs", 4), new DevdAction.Unregistered("ahci0", 4)),
                devd.removePort("ahci0", false), "a stick's port that its bus driver unregistered");
        devd.addPort(DISK, 7, true);
        assertEquals(List.of(new DevdAction.Unregistered("ahci0", 7)), devd.removePort("ahci0", true),
                "a driver that only restarts: no notice, its port comes back");
    }

    @Test
    void aNewRuleBindsThePortsNobodyMatchedAndNoneRulesStick() throws DevdException {
        machine();
        devd.addPort(PortInfo.of("sw0", PortClass.NETWORK, PortSubclass.NET_SWITCH_PORT), 7, false);
        List<DevdAction> actions = devd.addRule(new Rule(null, new java.util.TreeSet<>(), null, 0, -1, -1, "catchall"));
        assertEquals(List.of(new DevdAction.StartDriver("pcie0:", 1, "catchall", "catchall@pcie0:", ""),
                new DevdAction.StartDriver("ahci0p1.fs", 6, "catchall", "catchall@ahci0p1.fs", "fatfsd@ahci0p1")), actions,
                "parents first");
        assertEquals("none", devd.bindings().get("sw0"), "switch ports stay without a driver");
    }

    @Test
    void anOrphanIsMatchedAgainWhenItsParentArrives() throws Exception {
        DeviceManager d = new DeviceManager(RuleParser.parse("match class=block parent=usb -> usbstor"));
        assertEquals(List.of(), d.addPort(new PortInfo("disk", PortClass.BLOCK, 0, "hub", 0, 0, 0, null), 1, false));
        assertEquals(List.of(new DevdAction.StartDriver("disk", 1, "usbstor", "usbstor@disk", "")),
                d.addPort(PortInfo.of("hub", PortClass.USB, PortSubclass.USB_HUB), 2, false));
        DevdException e = assertThrows(DevdException.class,
                () -> d.addPort(new PortInfo("x", PortClass.USB, 0, "x", 0, 0, 0, null), 3, false));
        assertEquals(DevdErrorCode.EXISTS, e.error());
        assertThrows(DevdException.class, () -> d.addPort(PortInfo.of("hub", PortClass.USB, 0), 4, false));
    }

    @Test
    void everySubscriberIsToldOfEveryAvailableDriverEvenWhenItSubscribesAnew() throws DevdException {
        machine();
        assertEquals(List.of(new DevdAction.Notify("vfs", 6)), devd.subscribe("vfs", PortClass.FILESYSTEM));
        assertEquals(List.of(new DevdAction.Notify("vfs", 6)), devd.subscribe("vfs", PortClass.FILESYSTEM),
                "a subscriber that subscribes anew (a restarted VFS) is told again");
        assertEquals(List.of(new DevdAction.Notify("shell", 6)), devd.subscribe("shell", PortClass.FILESYSTEM));
        List<DevdAction> more = devd.addPort(new PortInfo("ahci0p2.fs", PortClass.FILESYSTEM, 0, "ahci0", 0, 0, 0,
                null), 8, true);
        assertEquals(List.of(new DevdAction.Notify("shell", 8), new DevdAction.Notify("vfs", 8)), more);
        devd.unsubscribe("shell");
        devd.unsubscribe("vfs");
        devd.addPort(new PortInfo("gone.fs", PortClass.FILESYSTEM, 0, "", 0, 0, 0, null), 9, true);
        devd.removePort("gone.fs", true);
        assertEquals(List.of(new DevdAction.Notify("vfs", 6), new DevdAction.Notify("vfs", 8)),
                devd.subscribe("vfs", PortClass.FILESYSTEM), "no notice for a port that went away");
        assertEquals(List.of(new DevdAction.Notify("vfs", 11)), devd.addPort(new PortInfo("gone.fs",
                PortClass.FILESYSTEM, 0, "", 0, 0, 0, null), 11, true), "told again when it comes back");
    }

    @Test
    void requestsAreAnsweredAndBadOnesChangeNothing() throws Exception {
        machine();
        DevdRequestHandler handler = new DevdRequestHandler(devd);
        List<Rule> before = devd.rules();
        for (Message bad : List.of(Message.of(350), Message.of(DevdRequest.LSDEV, new byte[] {1}),
                Message.of(DevdRequest.ADD_RULE, new byte[] {5, 0, 'a'}),
                Message.of(302, new WireWriter().u16(77).toByteArray()))) {
            assertThrows(MalformedException.class, () -> DevdRequest.decode(bad), bad.toString());
        }
        DevdException badRule = assertThrows(DevdException.class,
                () -> handler.handle(new DevdRequest.AddRule("match klass=x -> y")));
        assertEquals(DevdErrorCode.BAD_RULE, badRule.error());
        assertEquals("line 1: 'klass=x': unknown key 'klass' (expected one of class, subclass, parent, caps, vendor, device)",
                badRule.getMessage());
        assertEquals(before, devd.rules());

        DevdRequest.AddRule addRule = new DevdRequest.AddRule("match class=bus -> busd");
        DevdRequestHandler.Outcome add = handler.handle(addRule);
        assertEquals(List.of("pcie0:"), addRule.decodeReply(add.reply()).items());
        assertEquals(List.of(new DevdAction.StartDriver("pcie0:", 1, "busd", "busd@pcie0:", "")), add.actions());
        Message rules = handler.handle(new DevdRequest.ListRules(0)).reply();
        assertEquals("match class=bus -> busd", new DevdRequest.ListRules(0).decodeReply(rules).items().getLast());
        Message lsdev = handler.handle(new DevdRequest.Lsdev(0)).reply();
        assertEquals(MsgIds.REPLY_OK, lsdev.msgId());
        List<LsdevEntry> entries = new DevdRequest.Lsdev(0).decodeReply(lsdev).items();
        assertEquals(devd.lsdev(), entries);
    }
}
