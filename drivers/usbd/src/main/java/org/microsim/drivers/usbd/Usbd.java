package org.microsim.drivers.usbd;

import org.microsim.abi.Handle;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSet;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Result;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;

/**
 * The USB driver: one task per xHCI controller, serving each mass-storage device behind it as a block port.
 *
 * <h2>Start-up</h2>
 * Start handle 0 is the controller's device port ({@code 00:14.0:usb}, which devd passes). The driver maps BAR 0,
 * binds the controller's interrupt to a private port, and resets and starts the controller ({@link
 * HostController}): DCBAA, command ring, an event ring on interrupter 0, interrupts on. It then looks at every
 * root port, since a reset controller reports what is plugged in only in PORTSC, and enumerates what it finds.
 *
 * <h2>Devices</h2>
 * Enumeration ({@link Enumerator}) addresses a device and reads its descriptors; a mass-storage interface (class
 * 8, SCSI transparent, bulk-only) gets a {@link MassStorage} and a Block port named {@code msc<n>:} with the
 * lowest free n (class Block, subclass USB_MASS_STORAGE, the controller's port as parent, the device's vendor and
 * product ids, caps DMA|REMOVABLE|HOTPLUG and READ_ONLY for a write-protected one, and the device's port path as
 * metadata); a hub (class 9) gets a {@link Hub}, which enumerates what is behind it. devd starts partd on each
 * stick's port, and fatfsd on what partd finds.
 *
 * <h2>Hot-plug and restarts</h2>
 * Port status changes drive everything after start-up: a connection is enumerated, a disconnection removes the
 * device and its port (devd then stops fatfsd and partd, and the VFS unmounts). A restarted usbd resets the
 * controller and finds every device again, as a rebooted machine would.
 */
public final class Usbd implements Program {
    @Override
    public void run(Sys sys) {
        Handle device = sys.start().handle(0);
        if (device == null) {
            sys.log("usbd: started without a device handle; nothing to do");
            return;
        }
        String controller = sys.inspect(device).orThrow().portName();
        Result<Mmio> bar = sys.mapBar(device, 0);
        if (!bar.isOk()) {
            sys.log("usbd: " + controller + ": BAR 0 cannot be mapped: " + bar.errorOrNull());
            return;
        }
        Handle irq = sys.registerPort(PortInfo.of("usbd:" + controller + ":irq", PortClass.SERVICE,
                PortSubclass.SERVICE_GENERIC), PortOptions.PRIVATE).orThrow();
        sys.bindIrq(device, irq).orThrow();
        HostController hc = HostController.start(sys, bar.orThrow(), irq);
        if (hc == null) {
            return;
        }
        sys.log("usbd: " + controller + ": xHCI with " + hc.ports + " ports, " + hc.maxSlots + " slots");
        PortSet ports = PortSet.of(irq);
        UsbdHandler handler = new UsbdHandler(sys, hc, controller, ports);
        handler.scanRootPorts();
        Server.serve(sys, handler, ports);
    }
}
