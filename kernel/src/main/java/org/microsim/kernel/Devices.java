package org.microsim.kernel;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.Mmio;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Result;
import org.microsim.abi.WireWriter;

/**
 * Hardware access for drivers: BARs, DMA memory and interrupts. A handle to a device port (which devd received
 * from the kernel's port notices and passed on when it had the driver started) is the grant. Without one, a
 * task can map no BAR and bind no interrupt; DMA memory is charged to the task and freed when it ends.
 *
 * <pre>
 *   device model ── irq line ──▶ interrupt(device port) ── IrqBinding ──▶ IRQ message to the driver's port
 *                                   (coalesced while one is queued)       (re-armed when it is received)
 * </pre>
 *
 * All methods run with the kernel lock held; an interrupt line takes it when it fires.
 */
final class Devices {
    /** The largest single DMA allocation: a runaway driver cannot take all simulated memory at once. */
    static final int MAX_DMA = 256 << 20;

    private final Kernel k;
    /** Which port each device's interrupt goes to: at most one binding per device. */
    private final List<IrqBinding> irqBindings = new ArrayList<>();

    Devices(Kernel kernel) {
        this.k = kernel;
    }

    /** Routes each device's interrupt line to whichever port its driver bound. */
    void connect(Port devicePort) {
        devicePort.device.irq().connect(() -> {
            k.scheduler.enter();
            try {
                interrupt(devicePort);
            } finally {
                k.scheduler.exit();
            }
        });
    }

    private Result<Port> device(Task t, Handle h) {
        HandleTable.Entry e = h == null ? null : t.handles.get(h.slot());
        if (e == null) {
            return Result.err(ErrorCode.BAD_HANDLE, "no handle " + h + " in task " + t.name);
        }
        if (e.port().kind != Port.Kind.DEVICE) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "port " + e.port().name() + " is not a device");
        }
        if (e.port().closed) {
            return Result.err(ErrorCode.NO_SUCH_PORT, "device " + e.port().name() + " was removed");
        }
        if (e.port().device == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "port " + e.port().name() + " is a bus: it has no resources");
        }
        return Result.ok(e.port());
    }

    Result<Mmio> mapBar(Task t, Handle h, int bar) {
        Result<Port> d = device(t, h);
        if (!(d instanceof Result.Ok<Port>(Port p))) {
            return Result.err(d.errorOrNull());
        }
        var bars = p.device.bars();
        if (bar < 0 || bar >= bars.size() || bars.get(bar) == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "device " + p.name() + " has no memory BAR " + bar);
        }
        k.record(t, TraceEvent.Kind.DEVICE, "map " + p.name() + " BAR" + bar, 0);
        return Result.ok(bars.get(bar));
    }

    Result<DmaBuffer> allocDma(Task t, int size) {
        if (size <= 0 || size > MAX_DMA) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "DMA size must be 1 to " + MAX_DMA + " bytes");
        }
        DmaBuffer b = k.hardware.allocateDma(size, t);
        return b == null ? Result.err(ErrorCode.UNAVAILABLE, "no DMA memory for " + size + " bytes") : Result.ok(b);
    }

    Result<Void> bindIrq(Task t, Handle deviceHandle, Handle portHandle) {
        Result<Port> d = device(t, deviceHandle);
        if (!(d instanceof Result.Ok<Port>(Port device))) {
            return Result.err(d.errorOrNull());
        }
        HandleTable.Entry e = portHandle == null ? null : t.handles.get(portHandle.slot());
        if (e == null) {
            return Result.err(ErrorCode.BAD_HANDLE, "no handle " + portHandle);
        }
        if (!e.rights().canReceive() || e.port().owner != t || e.port().closed) {
            return Result.err(ErrorCode.NO_RIGHT, "interrupts go to a live port the task owns");
        }
        for (IrqBinding b : irqBindings) {
            if (b.device == device && !b.target.closed && b.target.owner != t) {
                return Result.err(ErrorCode.DENIED, "the interrupt of " + device.name() + " is bound by "
                        + b.target.ownerName());
            }
        }
        irqBindings.removeIf(b -> b.device == device);
        irqBindings.add(new IrqBinding(device, e.port()));
        k.record(t, TraceEvent.Kind.DEVICE, "bind irq of " + device.name() + " to " + e.port().name(), 0);
        return Result.ok(null);
    }

    /** A device raised its line: one IRQ message to the bound port, unless one is already waiting. */
    private void interrupt(Port device) {
        IrqBinding binding = null;
        for (IrqBinding b : irqBindings) {
            if (b.device == device) {
                binding = b;
            }
        }
        if (binding == null || binding.target.closed) {
            k.record(null, TraceEvent.Kind.DEVICE, "interrupt from " + device.name() + " with no driver bound", 0);
            return;
        }
        if (binding.pending) {
            return;
        }
        binding.pending = true;
        if (k.trace.enabled()) {
            k.record(binding.target.owner, TraceEvent.Kind.IRQ, "from " + device.name(), 0);
        }
        Message irq = Message.of(MsgIds.IRQ, new WireWriter().i32(device.device.irq().line()).toByteArray());
        k.notifications.postFromKernel(binding.target, irq, List.of(), binding);
    }

    /** A port closed: interrupts bound to it go nowhere from now on. */
    void portClosed(Port p) {
        irqBindings.removeIf(b -> b.target == p);
    }
}
