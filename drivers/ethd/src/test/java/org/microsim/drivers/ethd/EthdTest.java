package org.microsim.drivers.ethd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Lease;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Received;
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;
import org.microsim.abi.net.EthClient;
import org.microsim.abi.net.EthError;
import org.microsim.abi.net.EthEvent;
import org.microsim.abi.net.EthException;
import org.microsim.abi.net.EthInfo;
import org.microsim.abi.net.EthRequest;
import org.microsim.kernel.TaskInfo;

/** ethd against the e1000 model on a LAN, with a test station at the far end. */
class EthdTest {
    static final long MAC = 0x5254_0012_3456L;
    static final long PEER = 0x0200_0000_0001L;

    /** A client of eth0 subscribed with its own event port. */
    record Subscribed(EthClient eth, Handle events) {
        static Subscribed open(Sys sys, String port) throws EthException {
            EthClient eth = EthClient.of(sys, sys.lookup(port, EthdRig.WAIT).orThrow(), EthdRig.WAIT);
            Handle events = sys.registerPort(PortInfo.of(sys.start().program() + "-" + port + "events", PortClass.SERVICE,
                    PortSubclass.SERVICE_GENERIC), PortOptions.PRIVATE).orThrow();
            eth.subscribe(sys.duplicate(events, Rights.SEND_GRANT).orThrow(), 7);
            return new Subscribed(eth, events);
        }

        /** Waits for the next event. */
        EthEvent event(Sys sys, Duration timeout) throws Exception {
            Received r = sys.receive(timeout, events).orThrow();
            return EthEvent.decode(r.message());
        }
    }

    static byte[] frame(long dst, long src, int n, int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) (dst >>> (40 - 8 * i));
            f[6 + i] = (byte) (src >>> (40 - 8 * i));
        }
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5; // local experimental ethertype
        for (int i = 14; i < length; i++) {
            f[i] = (byte) (n * 31 + i);
        }
        f[14] = (byte) (n >>> 8);
        f[15] = (byte) n;
        return f;
    }

    static int number(byte[] f) {
        return (f[14] & 0xff) << 8 | f[15] & 0xff;
    }

    @Test
    void registersEth0AsTheDesignSays() {
        try (EthdRig rig = new EthdRig(1, "")) {
            rig.run(sys -> {
                Handle h = sys.lookup("eth0:", EthdRig.WAIT).orThrow();
                HandleInfo info = sys.inspect(h).orThrow();
                PortInfo p = info.info();
                assertEquals(PortClass.NETWORK, p.portClass());
                assertEquals(PortSubclass.NET_ETHERNET, p.subclass());
                assertEquals("00:03.0:eth", p.parent());
                assertEquals(0x8086, p.vendorId());
                assertEquals(0x100e, p.deviceId());
                assertEquals(PortCaps.DMA, p.caps());
                assertArrayEquals(Ethd.macBytes(MAC), p.metadata());
                EthInfo eth = EthClient.of(sys, h, EthdRig.WAIT).info();
                assertEquals(MAC, eth.mac());
                assertTrue(eth.linkUp());
                assertFalse(eth.conduit());
                assertEquals(1500, eth.mtu());
            });
        }
    }

    @Test
    void framesGoOutInOrderThroughManyTurnsOfTheRing() {
        try (EthdRig rig = new EthdRig(2, "")) {
            int n = 3 * Nic.TX_DESCRIPTORS + 5;
            rig.run(sys -> {
                EthClient eth = EthClient.of(sys, sys.lookup("eth0:", EthdRig.WAIT).orThrow(), EthdRig.WAIT);
                for (int i = 0; i < n; i++) {
                    // One frame per call, a little apart, so the ring wraps many times with room each time.
                    assertEquals(1, eth.send(List.of(frame(PEER, MAC, i, 60 + i % 1400))));
                    sys.sleep(Duration.ofMillis(1)).orThrow();
                }
            });
            assertEquals(n, rig.station.received.size());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(frame(PEER, MAC, i, 60 + i % 1400), rig.station.received.get(i), "frame " + i);
            }
        }
    }

    @Test
    void aBurstLargerThanTheRingIsSentWholeFromTheBacklog() {
        try (EthdRig rig = new EthdRig(3, "")) {
            int n = 200;
            rig.run(sys -> {
                EthClient eth = EthClient.of(sys, sys.lookup("eth0:", EthdRig.WAIT).orThrow(), EthdRig.WAIT);
                List<byte[]> burst = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    burst.add(frame(PEER, MAC, i, 1514));
                }
                assertEquals(n, eth.send(burst));
            });
            assertEquals(n, rig.station.received.size());
            for (int i = 0; i < n; i++) {
                assertEquals(i, number(rig.station.received.get(i)));
            }
        }
    }

    @Test
    void framesComeInThroughTheRingToTheSubscriber() {
        try (EthdRig rig = new EthdRig(4, "")) {
            int n = 3 * Nic.RX_DESCRIPTORS + 7;
            List<byte[]> got = new ArrayList<>();
            rig.run(sys -> {
                Subscribed s = Subscribed.open(sys, "eth0:");
                for (int i = 0; i < n; i++) {
                    rig.station.port.transmit(frame(MAC, PEER, i, 60 + i % 1400));
                    if (i % 16 == 15) {
                        EthEvent e = s.event(sys, EthdRig.WAIT);
                        assertTrue(e.frames());
                        assertEquals(7, e.token());
                        got.addAll(s.eth().receiveAll().frames());
                    }
                    sys.sleep(Duration.ofNanos(50_000)).orThrow();
                }
                sys.sleep(Duration.ofMillis(1)).orThrow();
                got.addAll(s.eth().receiveAll().frames());
            });
            assertEquals(n, got.size());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(frame(MAC, PEER, i, 60 + i % 1400), got.get(i), "frame " + i);
            }
        }
    }

    /** Every interrupt lost: the watchdog still drains the ring, as Linux e1000's does, within its two seconds. */
    @Test
    void framesBehindLostInterruptsArriveByTheWatchdog() throws Exception {
        try (EthdRig rig = new EthdRig(4, "")) {
            List<byte[]> got = new ArrayList<>();
            rig.run(Duration.ofSeconds(10), sys -> {
                Subscribed s = Subscribed.open(sys, "eth0:");
                rig.machine.interruptLine("eth").drop(1.0, 5);
                for (int i = 0; i < 3; i++) {
                    rig.station.port.transmit(frame(MAC, PEER, i, 100));
                }
                EthEvent e = s.event(sys, Duration.ofSeconds(3));
                assertTrue(e.frames());
                got.addAll(s.eth().receiveAll().frames());
            });
            assertEquals(3, got.size());
            assertTrue(rig.machine.interruptLine("eth").droppedCount() > 0, "no interrupt was dropped");
        }
    }

    @Test
    void aSlowClientLosesFramesWithACountAndTheDriverGoesOn() {
        try (EthdRig rig = new EthdRig(5, "")) {
            int n = EthRequest.CLIENT_QUEUE + 44;
            rig.run(sys -> {
                Subscribed slow = Subscribed.open(sys, "eth0:");
                for (int i = 0; i < n; i++) {
                    rig.station.port.transmit(frame(MAC, PEER, i, 100));
                    sys.sleep(Duration.ofNanos(100_000)).orThrow();
                }
                EthClient.Frames f = slow.eth().receiveAll();
                assertEquals(EthRequest.CLIENT_QUEUE, f.frames().size());
                assertEquals(44, f.dropped());
                assertEquals(0, number(f.frames().getFirst()), "the oldest frames are kept");
                assertEquals(44, slow.eth().info().clientDropped());
                assertEquals(n, slow.eth().info().rxFrames());
            });
        }
    }

    @Test
    void aBurstLargerThanTheRingAtOneInstantIsReceivedOrCountedAsMissed() {
        try (EthdRig rig = new EthdRig(6, "")) {
            int n = 2 * Nic.RX_DESCRIPTORS;
            rig.run(sys -> {
                Subscribed s = Subscribed.open(sys, "eth0:");
                for (int i = 0; i < n; i++) {
                    rig.station.port.transmit(frame(MAC, PEER, i, 100)); // all at one instant
                }
                sys.sleep(Duration.ofMillis(5)).orThrow();
                int got = s.eth().receiveAll().frames().size();
                EthInfo info = s.eth().info();
                // Virtual time stands still while the driver runs, so it may keep up with any burst; whatever it
                // could not take is counted by the NIC, never lost silently or stuck in the ring.
                assertTrue(got > Nic.RX_DESCRIPTORS, "more frames than the ring holds came through");
                assertEquals(n, got + info.missed(), "each frame was received or counted as missed");
                rig.station.port.transmit(frame(MAC, PEER, 9999, 100));
                sys.sleep(Duration.ofMillis(1)).orThrow();
                assertEquals(1, s.eth().receiveAll().frames().size(), "the ring works after the overrun");
            });
        }
    }

    @Test
    void linkDownAndUpReachTheClientAndSendsWaitForCarrier() {
        try (EthdRig rig = new EthdRig(7, "")) {
            rig.run(sys -> {
                Subscribed s = Subscribed.open(sys, "eth0:");
                rig.machine.setCable(0, -1, false);
                EthEvent down = s.event(sys, EthdRig.WAIT);
                assertTrue(down.link());
                assertFalse(down.linkUp());
                assertFalse(s.eth().info().linkUp());
                assertEquals(0, s.eth().send(List.of(frame(PEER, MAC, 1, 60))), "no carrier, nothing taken");
                rig.machine.setCable(0, -1, true);
                EthEvent up = s.event(sys, EthdRig.WAIT);
                assertTrue(up.link() && up.linkUp());
                assertEquals(1, s.eth().send(List.of(frame(PEER, MAC, 2, 60))));
                sys.sleep(Duration.ofMillis(1)).orThrow();
            });
            assertEquals(1, rig.station.received.size());
            assertEquals(2, number(rig.station.received.getFirst()));
        }
    }

    @Test
    void badRequestsGetClearErrorsAndTheDriverServesOn() {
        try (EthdRig rig = new EthdRig(8, "")) {
            rig.run(sys -> {
                Handle h = sys.lookup("eth0:", EthdRig.WAIT).orThrow();
                EthClient eth = EthClient.of(sys, h, EthdRig.WAIT);
                EthException e = assertThrows(EthException.class, eth::receive);
                assertEquals(EthError.NOT_SUBSCRIBED, e.error());
                byte[] garbage = {(byte) 0xff, (byte) 0xff, 1, 2, 3};
                e = assertThrows(EthException.class, () -> Client.call(sys, h, new EthRequest.Send(1),
                        Lease.readOnly(garbage), EthdRig.WAIT));
                assertEquals(EthError.INVALID_REQUEST, e.error());
                e = assertThrows(EthException.class, () -> Client.call(sys, h, new EthRequest.Send(1), null,
                        EthdRig.WAIT));
                assertEquals(EthError.LEASE_TOO_SMALL, e.error());
                assertTrue(sys.call(h, org.microsim.abi.Message.of(MsgIds.NET_BASE + 9), EthdRig.WAIT).isOk(),
                        "an unknown request is answered");
                assertEquals(MAC, eth.info().mac());
            });
        }
    }

    /**
     * Jumbo frames: at MTU 1500 a 9014-byte frame is refused on SEND and not taken off the wire (RCTL.LPE clear);
     * SET_MTU 9000 makes both work, whole frames across receive descriptors, in bursts, and GET_INFO says 9000.
     */
    @Test
    void setMtuTakesJumboFramesBothWays() {
        try (EthdRig rig = new EthdRig(11, "")) {
            List<byte[]> got = new ArrayList<>();
            rig.run(sys -> {
                Subscribed s = Subscribed.open(sys, "eth0:");
                EthException e = assertThrows(EthException.class, () -> s.eth().send(List.of(frame(PEER, MAC, 0,
                        9014))));
                assertEquals(EthError.INVALID_REQUEST, e.error());
                assertTrue(e.getMessage().contains("longer than eth0's MTU of 1500 allows (1514)"), e.getMessage());
                rig.station.port.transmit(frame(MAC, PEER, 1, 9014));
                sys.sleep(Duration.ofMillis(1)).orThrow();
                assertEquals(List.of(), s.eth().receiveAll().frames(), "no long packets without LPE");

                s.eth().setMtu(9000);
                assertEquals(9000, s.eth().info().mtu());
                List<byte[]> burst = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    burst.add(frame(PEER, MAC, i, 9014 - i));
                }
                assertEquals(100, s.eth().send(burst));
                for (int i = 0; i < 100; i++) {
                    rig.station.port.transmit(frame(MAC, PEER, 200 + i, 9014 - i));
                    if (i % 10 == 9) {
                        sys.sleep(Duration.ofNanos(50_000)).orThrow();
                        got.addAll(s.eth().receiveAll().frames());
                    }
                }
                sys.sleep(Duration.ofMillis(1)).orThrow();
                got.addAll(s.eth().receiveAll().frames());
                rig.station.port.transmit(frame(MAC, PEER, 400, 9015));
                sys.sleep(Duration.ofMillis(1)).orThrow();
                assertEquals(List.of(), s.eth().receiveAll().frames(), "longer than the MTU allows: dropped");

                for (int bad : new int[] {0, 67, 16111, 65535}) {
                    e = assertThrows(EthException.class, () -> s.eth().setMtu(bad));
                    assertEquals(EthError.INVALID_REQUEST, e.error());
                    assertTrue(e.getMessage().contains("MTU " + bad + " is not from 68 to 16110"), e.getMessage());
                }
                assertEquals(9000, s.eth().info().mtu(), "a refused MTU changes nothing");
                s.eth().setMtu(1500);
                e = assertThrows(EthException.class, () -> s.eth().send(List.of(frame(PEER, MAC, 0, 1515))));
                assertEquals(EthError.INVALID_REQUEST, e.error());
            });
            assertEquals(100, rig.station.received.size());
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(frame(PEER, MAC, i, 9014 - i), rig.station.received.get(i), "sent " + i);
            }
            assertEquals(100, got.size());
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(frame(MAC, PEER, 200 + i, 9014 - i), got.get(i), "received " + i);
            }
        }
    }

    @Test
    void aRestartedDriverServesTheNicAgainAndClientsResubscribe() {
        try (EthdRig rig = new EthdRig(9, "")) {
            rig.run(sys -> {
                Subscribed s = Subscribed.open(sys, "eth0:");
                for (int i = 0; i < 20; i++) {
                    rig.station.port.transmit(frame(MAC, PEER, i, 200));
                    s.eth().send(List.of(frame(PEER, MAC, i, 200)));
                    sys.sleep(Duration.ofNanos(30_000)).orThrow();
                }
            });
            TaskInfo ethd = rig.kernel.tasks().stream().filter(t -> t.name().equals("ethd0") && t.state().alive())
                    .findFirst().orElseThrow();
            rig.kernel.kill(ethd.id(), true, "test crash").orThrow();
            rig.run(sys -> {
                sys.sleep(Duration.ofMillis(10)).orThrow();
                Subscribed s = Subscribed.open(sys, "eth0:");
                rig.station.port.transmit(frame(MAC, PEER, 500, 200));
                sys.sleep(Duration.ofMillis(1)).orThrow();
                List<byte[]> got = s.eth().receiveAll().frames();
                assertEquals(1, got.size());
                assertEquals(500, number(got.getFirst()));
                assertEquals(1, s.eth().send(List.of(frame(PEER, MAC, 501, 200))));
            });
            assertEquals(2, rig.rig.driverStarts());
            assertEquals(501, number(rig.station.received.getLast()));
        }
    }

    @Test
    void theNicTakesOnlyItsOwnBroadcastAndChosenMulticastFramesUnlessPromiscuous() {
        try (EthdRig rig = new EthdRig(10, "")) {
            long group = 0x0100_5e00_0001L;
            long otherGroup = 0x0100_5e00_0002L;
            long stranger = 0x0200_0000_0077L;
            rig.run(sys -> {
                Subscribed s = Subscribed.open(sys, "eth0:");
                for (long dst : new long[] {MAC, 0xffff_ffff_ffffL, group, otherGroup, stranger}) {
                    rig.station.port.transmit(frame(dst, PEER, 1, 60));
                }
                sys.sleep(Duration.ofMillis(1)).orThrow();
                assertEquals(2, s.eth().receiveAll().frames().size(), "its own address and broadcast only");
                s.eth().filter(false, false, List.of(group));
                for (long dst : new long[] {group, otherGroup, stranger}) {
                    rig.station.port.transmit(frame(dst, PEER, 2, 60));
                }
                sys.sleep(Duration.ofMillis(1)).orThrow();
                List<byte[]> joined = s.eth().receiveAll().frames();
                assertEquals(1, joined.size(), "the group it joined, by the multicast table");
                assertEquals(group, EthdTest.destination(joined.getFirst()));
                s.eth().filter(true, false, List.of());
                for (long dst : new long[] {group, otherGroup, stranger}) {
                    rig.station.port.transmit(frame(dst, PEER, 3, 60));
                }
                sys.sleep(Duration.ofMillis(1)).orThrow();
                assertEquals(1, s.eth().receiveAll().frames().size(), "promiscuous: every unicast, no multicast");
                s.eth().filter(false, true, List.of());
                for (long dst : new long[] {group, otherGroup, stranger}) {
                    rig.station.port.transmit(frame(dst, PEER, 4, 60));
                }
                sys.sleep(Duration.ofMillis(1)).orThrow();
                assertEquals(2, s.eth().receiveAll().frames().size(), "all multicast, and no stranger");
            });
        }
    }

    static long destination(byte[] f) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | f[i] & 0xff;
        }
        return v;
    }
}
