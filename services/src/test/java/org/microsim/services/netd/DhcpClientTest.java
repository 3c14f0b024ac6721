package org.microsim.services.netd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.DhcpOptions;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MacAddr;

/** The DHCP client's state machine on a clock the test moves, against a server the test plays. */
class DhcpClientTest {
    static final long S = 1_000_000_000L;
    static final MacAddr MAC = MacAddr.parse("52:54:00:12:34:56");
    static final Ipv4Addr SERVER = Ipv4Addr.parse("10.0.2.2");
    static final Ipv4Addr OFFERED = Ipv4Addr.parse("10.0.2.15");

    record Sent(DhcpMessage message, Ipv4Addr to) {
    }

    final List<Sent> sent = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final SplittableRandom random = new SplittableRandom(1);
    final DhcpClient client = new DhcpClient(MAC, random::nextLong, new DhcpClient.Env() {
        @Override
        public void send(DhcpMessage message, Ipv4Addr server) {
            sent.add(new Sent(message, server));
        }

        @Override
        public void bound(Ipv4Addr address, int prefix, Ipv4Addr router) {
            events.add("bound " + address + "/" + prefix + " via " + router);
        }

        @Override
        public void unbound() {
            events.add("unbound");
        }

        @Override
        public void log(String line) {
        }
    });

    Sent last() {
        return sent.getLast();
    }

    static int type(Sent s) {
        return s.message().options().messageType().getAsInt();
    }

    DhcpMessage reply(int type, Ipv4Addr yiaddr, DhcpOptions extra) {
        DhcpOptions o = extra.withMessageType(type).withServerId(SERVER);
        return new DhcpMessage(DhcpMessage.BOOTREPLY, last().message().xid(), 0, 0, Ipv4Addr.ANY, yiaddr, SERVER,
                Ipv4Addr.ANY, MAC, o);
    }

    DhcpOptions lease(long seconds) {
        return DhcpOptions.EMPTY.withLeaseTime(seconds).withSubnetMask(Ipv4Addr.parse("255.255.255.0"))
                .withRouters(List.of(SERVER));
    }

    void bindAt(long now) {
        client.start(now);
        assertTrue(client.receive(reply(DhcpMessage.OFFER, OFFERED, lease(100)), now));
        assertTrue(client.receive(reply(DhcpMessage.ACK, OFFERED, lease(100)), now));
    }

    @Test
    void discoverOfferRequestAckBindsTheAddress() {
        client.start(0);
        assertEquals(DhcpMessage.DISCOVER, type(last()));
        assertNull(last().to(), "broadcast");
        assertTrue(last().message().broadcast());
        assertTrue(client.receive(reply(DhcpMessage.OFFER, OFFERED, lease(100)), 0));
        assertEquals(DhcpMessage.REQUEST, type(last()));
        assertEquals(OFFERED, last().message().options().requestedIp().orElseThrow());
        assertEquals(SERVER, last().message().options().serverId().orElseThrow());
        assertTrue(client.receive(reply(DhcpMessage.ACK, OFFERED, lease(100)), 0));
        assertEquals(List.of("bound 10.0.2.15/24 via 10.0.2.2"), events);
        assertEquals("bound", client.state());
        assertEquals(100, client.leaseSecondsLeft(0));
    }

    @Test
    void repliesOfAnotherTransactionOrMachineAreIgnored() {
        client.start(0);
        DhcpMessage offer = reply(DhcpMessage.OFFER, OFFERED, lease(100));
        DhcpMessage otherXid = new DhcpMessage(offer.op(), offer.xid() + 1, 0, 0, Ipv4Addr.ANY, OFFERED, SERVER,
                Ipv4Addr.ANY, MAC, offer.options());
        DhcpMessage otherMac = new DhcpMessage(offer.op(), offer.xid(), 0, 0, Ipv4Addr.ANY, OFFERED, SERVER,
                Ipv4Addr.ANY, MacAddr.parse("02:00:00:00:00:01"), offer.options());
        assertFalse(client.receive(otherXid, 0));
        assertFalse(client.receive(otherMac, 0));
        assertFalse(client.receive(reply(DhcpMessage.ACK, OFFERED, lease(100)), 0), "an ACK before any REQUEST");
        assertEquals("selecting", client.state());
    }

    @Test
    void discoverIsRetriedWithBackoffFromTheSeed() {
        client.start(0);
        List<Long> times = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 5; i++) {
            now = client.nextDeadline();
            times.add(now);
            client.tick(now);
            assertEquals(DhcpMessage.DISCOVER, type(last()));
        }
        long[] gaps = {4, 8, 16, 32, 64};
        long previous = 0;
        for (int i = 0; i < 5; i++) {
            long gap = times.get(i) - previous;
            assertTrue(Math.abs(gap - gaps[i] * S) <= S, "retry " + i + " after " + gap + " ns");
            previous = times.get(i);
        }
        assertEquals(6, sent.size());
    }

    @Test
    void aNakStartsOver() {
        client.start(0);
        client.receive(reply(DhcpMessage.OFFER, OFFERED, lease(100)), 0);
        assertTrue(client.receive(reply(DhcpMessage.NAK, Ipv4Addr.ANY, DhcpOptions.EMPTY), 0));
        assertEquals(DhcpMessage.DISCOVER, type(last()));
        assertEquals("selecting", client.state());
    }

    @Test
    void theLeaseIsRenewedAtT1UnicastRebindsAtT2BroadcastAndExpires() {
        bindAt(0);
        int before = sent.size();
        client.tick(49 * S);
        assertEquals(before, sent.size(), "nothing before T1");
        client.tick(client.nextDeadline());
        assertEquals("renewing", client.state());
        assertEquals(SERVER, last().to(), "renewal is unicast to the server");
        assertEquals(OFFERED, last().message().ciaddr());
        long renewals = 0;
        while (client.state().equals("renewing")) {
            client.tick(client.nextDeadline());
            renewals++;
        }
        assertEquals("rebinding", client.state());
        assertTrue(renewals <= 2, "renewals are at least 60 s apart");
        assertNull(last().to(), "rebinding is broadcast");
        client.tick(100 * S);
        assertTrue(events.contains("unbound"), "the lease expired: " + events);
        assertEquals("selecting", client.state());
    }

    @Test
    void aRenewalAckExtendsTheLease() {
        bindAt(0);
        client.tick(50 * S);
        assertTrue(client.receive(reply(DhcpMessage.ACK, OFFERED, lease(100)), 50 * S));
        assertEquals("bound", client.state());
        assertEquals(100, client.leaseSecondsLeft(50 * S));
        assertFalse(events.contains("unbound"));
    }

    @Test
    void linkBackWhileBoundAsksForTheSameAddress() {
        bindAt(0);
        client.linkUp(10 * S);
        assertEquals("rebooting", client.state());
        assertEquals(DhcpMessage.REQUEST, type(last()));
        assertEquals(OFFERED, last().message().options().requestedIp().orElseThrow());
        assertTrue(last().message().options().serverId().isEmpty());
        assertTrue(client.receive(reply(DhcpMessage.ACK, OFFERED, lease(100)), 10 * S));
        assertEquals("bound", client.state());
    }

    @Test
    void sameSeedSameMessages() {
        DhcpClientTest other = new DhcpClientTest();
        client.start(0);
        other.client.start(0);
        assertEquals(last().message().xid(), other.last().message().xid());
        assertEquals(client.nextDeadline(), other.client.nextDeadline());
    }
}
