package org.microsim.services.devd;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.microsim.abi.PortClass;

/**
 * Random port trees added, unplugged, detached and attached again (orphans and would-be cycles included), rules
 * added, services subscribing and going away, all checked against {@link DevdWorld}'s model.
 */
class DevdProperties {
    private static final List<String> RULE_POOL = List.of(
            "match class=block parent=storage_controller -> partd",
            "match class=block subclass=fat32|fat16 -> fatfsd",
            "match class=filesystem -> none",
            "match class=network subclass=switch_port -> none",
            "match class=usb -> usbd",
            "match parent=usb -> hubd",
            "match caps=DMA|IRQ|MMIO vendor=0x8086 -> anyd");
    private static final List<PortClass> CLASSES =
            List.of(PortClass.BLOCK, PortClass.STORAGE_CONTROLLER, PortClass.USB, PortClass.NETWORK,
                    PortClass.FILESYSTEM);

    @Property(tries = 150)
    void devdFollowsItsModel(@ForAll("chains") ActionChain<DevdWorld> chain) {
        chain.withInvariant("model", DevdWorld::check).run();
    }

    @Provide
    Arbitrary<ActionChain<DevdWorld>> chains() {
        Arbitrary<List<String>> initialRules = Arbitraries.of(RULE_POOL).list().ofMaxSize(3);
        return initialRules.flatMap(lines -> ActionChain.startWith(() -> new DevdWorld(parse(lines)))
                .withAction(4, addPort())
                .withAction(2, remove())
                .withAction(detach())
                .withAction(reattach())
                .withAction(independent(Arbitraries.of(RULE_POOL).map(line -> Transformer.<DevdWorld>mutate(
                        "rule " + line, w -> w.addRule(parse(List.of(line)).getFirst())))))
                .withAction(2, independent(Combinators.combine(Arbitraries.of("vfs", "netd"),
                        Arbitraries.of(CLASSES)).as((s, c) -> Transformer.<DevdWorld>mutate(
                                "subscribe " + s + " " + c, w -> w.subscribe(s, c)))))
                .withAction(independent(Arbitraries.of("vfs", "netd").map(s -> Transformer.<DevdWorld>mutate(
                        "unsubscribe " + s, w -> w.unsubscribe(s)))))
                .withMaxTransformations(40));
    }

    private static Action.Independent<DevdWorld> independent(Arbitrary<Transformer<DevdWorld>> transformers) {
        return () -> transformers;
    }

    private static List<Rule> parse(List<String> lines) {
        try {
            return RuleParser.parse(String.join("\n", lines));
        } catch (RuleSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static Action.Dependent<DevdWorld> addPort() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(DevdWorld w) {
                return w.names().size() < DevdWorld.NAMES.size();
            }

            @Override
            public Arbitrary<Transformer<DevdWorld>> transformer(DevdWorld w) {
                List<String> free = DevdWorld.NAMES.stream().filter(n -> !w.names().contains(n)).toList();
                List<String> parents = new ArrayList<>(List.of("", ""));
                parents.addAll(w.names());
                parents.addAll(w.names());
                parents.addAll(DevdWorld.NAMES);
                return Combinators.combine(Arbitraries.of(free), Arbitraries.of(CLASSES),
                                Arbitraries.of(0x00, 0x02, 0x06, 0x0b, 0x30), Arbitraries.of(parents),
                                Arbitraries.of(true, false))
                        .as((name, c, sub, parent, driverPort) -> Transformer.mutate(
                                "add " + name + " " + c + "/" + sub + " under '" + parent + "'"
                                        + (driverPort ? " by a driver" : ""),
                                x -> x.addPort(name, c, sub, parent, driverPort)));
            }
        };
    }

    private static Action.Dependent<DevdWorld> detach() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(DevdWorld w) {
                return !w.present().isEmpty();
            }

            @Override
            public Arbitrary<Transformer<DevdWorld>> transformer(DevdWorld w) {
                return Arbitraries.of(w.present()).map(n -> Transformer.mutate("detach " + n, x -> x.detach(n)));
            }
        };
    }

    private static Action.Dependent<DevdWorld> reattach() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(DevdWorld w) {
                return !w.absent().isEmpty();
            }

            @Override
            public Arbitrary<Transformer<DevdWorld>> transformer(DevdWorld w) {
                return Arbitraries.of(w.absent()).map(n -> Transformer.mutate("reattach " + n, x -> x.reattach(n)));
            }
        };
    }

    private static Action.Dependent<DevdWorld> remove() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(DevdWorld w) {
                return !w.names().isEmpty();
            }

            @Override
            public Arbitrary<Transformer<DevdWorld>> transformer(DevdWorld w) {
                return Arbitraries.of(List.copyOf(w.names()))
                        .map(n -> Transformer.mutate("remove " + n, x -> x.remove(n)));
            }
        };
    }
}
