package org.microsim.drivers.ethd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.drivers.ethd.EthdTest.MAC;
import static org.microsim.drivers.ethd.EthdTest.PEER;
import static org.microsim.drivers.ethd.EthdTest.frame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.net.EthClient;
import org.microsim.abi.net.EthError;
import org.microsim.abi.net.EthEvent;
import org.microsim.abi.net.EthException;

/** ethd with an MT7531 behind the NIC: one LAN and one station on each user port. */
class EthdSwitchTest {
    @Test
    void registersASwitchPortPerUserPortUnderEth0() {
        try (EthdRig rig = new EthdRig(11, "model=mt7531,ports=4")) {
            rig.run(sys -> {
                assertTrue(EthClient.of(sys, sys.lookup("eth0:", EthdRig.WAIT).orThrow(), EthdRig.WAIT).info()
                        .conduit());
                for (int p = 0; p < 4; p++) {
                    Handle h = sys.lookup("sw" + p + ":", EthdRig.WAIT).orThrow();
                    PortInfo info = sys.inspect(h).orThrow().info();
                    assertEquals(PortClass.NETWORK, info.portClass());
                    assertEquals(PortSubclass.NET_SWITCH_PORT, info.subclass());
                    assertEquals("eth0:", info.parent());
                    assertEquals(0x4d54, info.vendorId());
                    assertEquals(0x7531, info.deviceId());
                    assertEquals(PortCaps.INTERNAL, info.caps());
                    assertArrayEquals(new byte[] {(byte) p}, info.metadata());
                    assertTrue(EthClient.of(sys, h, EthdRig.WAIT).info().linkUp());
                }
                assertTrue(sys.lookup("sw4:", Duration.ZERO).code() != null, "a 4-port switch has no sw4");
            });
        }
    }

    @Test
    void framesSentOnSw2LeaveOnPort2OnlyAndFramesFromPort3ArriveOnSw3Only() {
        try (EthdRig rig = new EthdRig(12, "model=mt7531,ports=4")) {
            List<List<byte[]>> got = new ArrayList<>();
            rig.run(sys -> {
                List<EthdTest.Subscribed> ports = new ArrayList<>();
                for (int p = 0; p < 4; p++) {
                    ports.add(EthdTest.Subscribed.open(sys, "sw" + p + ":"));
                }
                byte[] out = frame(PEER, MAC, 2, 300);
                assertEquals(1, ports.get(2).eth().send(List.of(out)));
                rig.portStations.get(3).port.transmit(frame(MAC, PEER, 3, 200));
                sys.sleep(Duration.ofMillis(1)).orThrow();
                for (EthdTest.Subscribed s : ports) {
                    got.add(s.eth().receiveAll().frames());
                }
                EthException e = assertThrows(EthException.class, () -> EthClient.of(sys,
                        sys.lookup("eth0:", EthdRig.WAIT).orThrow(), EthdRig.WAIT).send(List.of(out)));
                assertEquals(EthError.INVALID_REQUEST, e.error(), "the conduit sends nothing itself");
            });
            for (int p = 0; p < 4; p++) {
                List<byte[]> at = rig.portStations.get(p).received;
                assertEquals(p == 2 ? 1 : 0, at.size(), "frames out of port " + p);
            }
            assertArrayEquals(frame(PEER, MAC, 2, 300), rig.portStations.get(2).received.getFirst(),
                    "the tag is gone on the wire");
            for (int p = 0; p < 4; p++) {
                assertEquals(p == 3 ? 1 : 0, got.get(p).size(), "frames on sw" + p);
            }
            assertArrayEquals(frame(MAC, PEER, 3, 200), got.get(3).getFirst(), "sw3's client sees it untagged");
        }
    }

    @Test
    void aSwitchPortsLinkIsPolledAndReported() {
        try (EthdRig rig = new EthdRig(13, "model=mt7531,ports=2")) {
            rig.run(Duration.ofSeconds(2), sys -> {
                EthdTest.Subscribed s = EthdTest.Subscribed.open(sys, "sw1:");
                rig.machine.setCable(0, 1, false);
                EthEvent down = s.event(sys, Duration.ofSeconds(3));
                assertTrue(down.link());
                assertFalse(down.linkUp());
                assertFalse(s.eth().info().linkUp());
                assertTrue(EthClient.of(sys, sys.lookup("sw0:", EthdRig.WAIT).orThrow(), EthdRig.WAIT).info()
                        .linkUp(), "the other port is still up");
                rig.machine.setCable(0, 1, true);
                assertTrue(s.event(sys, Duration.ofSeconds(3)).linkUp());
            });
        }
    }
}
