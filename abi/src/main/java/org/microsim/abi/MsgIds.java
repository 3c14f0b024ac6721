package org.microsim.abi;

/**
 * The registry of well-known msg ids. Every protocol owns a range, so a stray message is recognisably
 * foreign instead of being misread:
 *
 * <pre>
 *     0..9    generic replies           ({@link Replies})
 *    10..29   kernel notifications and interrupts
 *    30..99   the kernel port's privileged requests ({@link KernelRequest})
 *   100       SERVICE_NOTIFY_DRIVER_AVAILABLE
 *   101       SERVICE_NOTIFY_DRIVER_GONE
 *   200..299  service manager     300..399 devd     400..499 block
 *   500..599  filesystem          600..699 network  700..799 shell
 *  1000..     demo programs
 * </pre>
 */
public final class MsgIds {
    private MsgIds() {
    }

    public static final int REPLY_OK = 0;
    public static final int REPLY_ERROR = 1;

    public static final int NOTIFY_TASK_EXITED = 10;
    public static final int NOTIFY_TASK_CRASHED = 11;
    public static final int NOTIFY_PORT_REGISTERED = 12;
    public static final int NOTIFY_PORT_REMOVED = 13;
    public static final int NOTIFY_NAME_WANTED = 14;
    /** An interrupt from a device bound with {@link Sys#bindIrq}; bytes 0..4 the IRQ line. */
    public static final int IRQ = 20;

    /**
     * devd tells a subscribed service that a driver is ready: bytes 0..8 the driver's port id as a
     * little-endian u64; the message also transfers a send handle to that port.
     */
    public static final int SERVICE_NOTIFY_DRIVER_AVAILABLE = 100;
    /** A driver port a service was told of is gone for good: its device was unplugged. */
    public static final int SERVICE_NOTIFY_DRIVER_GONE = 101;

    public static final int SERVICE_MANAGER_BASE = 200;
    public static final int DEVD_BASE = 300;
    public static final int BLOCK_BASE = 400;
    public static final int FS_BASE = 500;
    public static final int NET_BASE = 600;
    public static final int SHELL_BASE = 700;
    public static final int DEMO_BASE = 1000;
}
