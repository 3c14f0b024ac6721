package org.microsim.kernel;

import static org.microsim.kernel.TestKernels.SHORT;
import static org.microsim.kernel.TestKernels.service;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Message;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Received;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Replies;
import org.microsim.abi.Sys;
import org.microsim.kernel.machine.EthernetLink;
import org.microsim.kernel.machine.Lan;

/**
 * Machines for {@link World} tests: each kernel gets one tiny NIC (a {@link Card}) plugged into a shared {@link Lan},
 * a driver task ("node") that answers frames, and a task ("chatter") that sleeps for seeded random times and has
 * the node send frames. A frame carries one int; a node answers a value below {@link #ANSWERED} with the value plus
 * {@code ANSWERED}, 1 ms after it arrived. A console call to a node's public port "node" sends the value and
 * returns the answer: that takes the other machine.
 */
final class WorldRig {
    static final int ANSWERED = 1000;
    static final Duration THINK = Duration.ofMillis(1);
    private static final int SEND = 2;

    private WorldRig() {
    }

    /** A frame as it was delivered: sent at {@code sentAt} by the sender's clock, received at {@code receivedAt}. */
    record Arrival(long sentAt, long receivedAt, int value) {
    }

    /**
     * A NIC as small as can be. BAR0: writing offset 0 transmits a broadcast frame carrying the value (and its send
     * time, so the receiver can check the delay); reading offset 4 takes the oldest value received (-1: none). Every
     * frame received raises the interrupt.
     */
    static final class Card implements EthernetLink.Station {
        final Timeline clock;
        final InterruptLine irq = new InterruptLine(11);
        final List<Arrival> arrivals = new ArrayList<>();
        private final ArrayDeque<Integer> inbox = new ArrayDeque<>();
        private final byte mac;
        private Lan.Port port;

        Card(Timeline clock, int mac) {
            this.clock = clock;
            this.mac = (byte) mac;
        }

        final Mmio bar = new Mmio() {
            @Override
            public long size() {
                return 8;
            }

            @Override
            public int read32(long offset) {
                synchronized (Card.this) {
                    Integer v = offset == 4 ? inbox.poll() : null;
                    return v == null ? -1 : v;
                }
            }

            @Override
            public void write32(long offset, int value) {
                if (offset == 0) {
                    transmit(value);
                }
            }
        };

        private void transmit(int value) {
            ByteBuffer frame = ByteBuffer.allocate(26);
            frame.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, mac}).putShort((short) 0x88b5);
            frame.putLong(clock.now()).putInt(value);
            port.transmit(frame.array());
        }

        @Override
        public void receive(byte[] frame) {
            ByteBuffer b = ByteBuffer.wrap(frame, 14, 12);
            Arrival a = new Arrival(b.getLong(), clock.now(), b.getInt());
            synchronized (this) {
                arrivals.add(a);
                inbox.add(a.value());
            }
            irq.raise();
        }

        @Override
        public void linkChanged(boolean up) {
        }

        synchronized List<Arrival> arrivals() {
            return List.copyOf(arrivals);
        }

        HardwareDevice device() {
            return new HardwareDevice(PortInfo.of("00:03.0:eth", PortClass.NETWORK, PortSubclass.NET_ETHERNET),
                    List.of(bar), irq);
        }
    }

    /**
     * A timeline that counts callbacks run later than asked for: the destination's clock had passed the moment a
     * frame was due (the timeline runs a callback for a past time at once), which is what the world must prevent.
     */
    static final class Watched implements Timeline {
        final Timeline inner;
        final List<String> late = new ArrayList<>();

        Watched(Timeline inner) {
            this.inner = inner;
        }

        @Override
        public long now() {
            return inner.now();
        }

        @Override
        public Scheduled schedule(long atNanos, Runnable action) {
            return inner.schedule(atNanos, () -> {
                if (inner.now() != atNanos) {
                    synchronized (late) {
                        late.add("due at " + atNanos + ", ran at " + inner.now());
                    }
                }
                action.run();
            });
        }
    }

    /** One machine: a kernel, its card, and the watched clock the card is plugged in with. */
    record Node(Kernel kernel, Card card, Watched clock) {
        List<String> late() {
            synchronized (clock.late) {
                return List.copyOf(clock.late);
            }
        }
    }

    /** A kernel of {@code seed} whose card is plugged into {@code lan} as {@code label}, with the node task running. */
    static Node node(long seed, SchedulerMode mode, Lan lan, String label, int chatter) {
        Card[] card = new Card[1];
        Watched[] watched = new Watched[1];
        Kernel k = Kernel.builder().seed(seed).mode(mode).programs(programs(chatter)).hardware(timeline -> {
            watched[0] = new Watched(timeline);
            card[0] = new Card(timeline, label.hashCode());
            card[0].port = lan.plug(card[0], watched[0], label);
            return hardware(card[0].device());
        }).build();
        k.spawn("node", "node", new byte[0], true).orThrow();
        if (chatter > 0) {
            k.spawn("chatter", "chatter", new byte[0], false).orThrow();
        }
        return new Node(k, card[0], watched[0]);
    }

    /** A LAN with every station on its own machine's clock (none uses the LAN's own). */
    static Lan lan(long seed, Lan.Impairments impairments) {
        Lan lan = new Lan("lan0", Lan.Kind.HUB, null, seed);
        lan.impair(impairments);
        return lan;
    }

    private static Hardware hardware(HardwareDevice device) {
        return new Hardware() {
            @Override
            public List<HardwareDevice> devices() {
                return List.of(device);
            }

            @Override
            public DmaBuffer allocateDma(int size, Object owner) {
                return null;
            }

            @Override
            public void freeDma(Object owner) {
            }
        };
    }

    private static ProgramCatalog programs(int chatter) {
        return new ProgramCatalog()
                .add("node", "drives the card, answers frames and console calls", () -> WorldRig::node)
                .add("chatter", "has the node send frames at seeded random times", () -> sys -> {
                    Handle node = sys.lookup("node", SHORT).orThrow();
                    for (int i = 0; i < chatter; i++) {
                        sys.sleep(Duration.ofNanos(1_000 * (100 + Math.floorMod(sys.random(), 5_000)))).orThrow();
                        sys.log("chatter " + i);
                        sys.send(node, Message.of(SEND, ByteBuffer.allocate(4).putInt(i).array())).orThrow();
                    }
                });
    }

    /** The node task: finds its card as devd would, then serves frames, sends and console calls. */
    private static void node(Sys sys) throws Exception {
        Handle kernel = sys.start().handle(0);
        Handle notices = sys.registerPort(service("node-notices"), PortOptions.PRIVATE).orThrow();
        sys.call(kernel, new KernelRequest.Subscribe(KernelRequest.PORT_EVENTS, notices).toMessage(), SHORT).orThrow();
        Handle device = null;
        while (device == null) {
            Received r = sys.receive(SHORT, notices).orThrow();
            if (KernelNotice.decode(r.message()) instanceof KernelNotice.PortRegistered(var port, Handle h)
                    && port.info().name().equals("00:03.0:eth")) {
                device = h;
            }
        }
        Mmio bar = sys.mapBar(device, 0).orThrow();
        Handle irqs = sys.registerPort(service("node-irq"), PortOptions.PRIVATE).orThrow();
        sys.bindIrq(device, irqs).orThrow();
        Handle serve = sys.registerPort(service("node")).orThrow();
        ReplyRight pending = null;
        int awaited = 0;
        while (true) {
            Received r = sys.receive(Sys.FOREVER, serve, irqs).orThrow();
            if (r.port().equals(irqs)) {
                for (int v = bar.read32(4); v != -1; v = bar.read32(4)) {
                    sys.log("got " + v);
                    if (v < ANSWERED) {
                        sys.sleep(THINK).orThrow();
                        bar.write32(0, v + ANSWERED);
                    } else if (pending != null && v == awaited) {
                        sys.reply(pending, Replies.ok(ByteBuffer.allocate(4).putInt(v).array())).orThrow();
                        pending = null;
                    }
                }
                continue;
            }
            int value = ByteBuffer.wrap(r.message().data()).getInt();
            if (r.isCall()) {
                pending = r.replyRight();
                awaited = value + ANSWERED;
            }
            bar.write32(0, value);
        }
    }

    /** What a console call to a node answered: the value, or -1 and the error. */
    static Object ask(Kernel k, int value, Duration timeout) {
        Sys console = k.console();
        Handle node = console.lookup("node", Duration.ZERO).orThrow();
        var reply = console.call(node, Message.of(1, ByteBuffer.allocate(4).putInt(value).array()), timeout);
        console.close(node).orThrow();
        return reply.isOk() ? (Object) ByteBuffer.wrap(reply.orThrow().data()).getInt() : reply.code();
    }
}
