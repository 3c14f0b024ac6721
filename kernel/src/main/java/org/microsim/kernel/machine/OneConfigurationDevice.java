package org.microsim.kernel.machine;

/**
 * A device with one configuration (value 1) and one interface (alternate setting 0), as the stick and the hub are:
 * USB 2.0 chapter 9's standard requests for such a device, in one place. GET_DESCRIPTOR answers from the
 * device's descriptors; a request whose shape 9.4 does not allow STALLs (9.2.7); SET_ADDRESS is the controller's
 * business and harmless here. The device itself says what its class requests, its GET_STATUS and its features
 * are, and what setting the configuration or the interface does to its endpoints (9.4.5: halts clear).
 */
abstract class OneConfigurationDevice implements UsbDevice {
    private final UsbDescriptors.Descriptors descriptors;
    private int configuration;

    OneConfigurationDevice(UsbDescriptors.Descriptors descriptors) {
        this.descriptors = descriptors;
    }

    /** Configuration 1 is set: the device's endpoints beyond EP0 work. */
    final boolean configured() {
        return configuration == 1;
    }

    /** Back to the Default state's configuration 0, as a bus reset leaves a device. */
    final void unconfigure() {
        configuration = 0;
    }

    @Override
    public final ControlReply control(Setup setup, byte[] dataOut) {
        if (setup.type() != 0) {
            return setup.type() == 1 ? classRequest(setup) : ControlReply.STALL;
        }
        if (!UsbDescriptors.wellFormed(setup)) {
            return ControlReply.STALL;
        }
        return switch (setup.request()) {
            case UsbDescriptors.GET_DESCRIPTOR -> descriptors.reply(setup);
            case UsbDescriptors.GET_STATUS -> status(setup);
            case UsbDescriptors.CLEAR_FEATURE, UsbDescriptors.SET_FEATURE -> feature(setup);
            case UsbDescriptors.SET_CONFIGURATION -> {
                if (setup.value() > 1) {
                    yield ControlReply.STALL;
                }
                configuration = setup.value();
                configurationSet();
                yield ControlReply.DONE;
            }
            case UsbDescriptors.GET_CONFIGURATION -> ControlReply.in(new byte[] {(byte) configuration},
                    setup.length());
            case UsbDescriptors.GET_INTERFACE -> configured() && setup.index() == 0
                    ? ControlReply.in(new byte[] {0}, setup.length()) : ControlReply.STALL;
            case UsbDescriptors.SET_INTERFACE -> {
                if (!configured() || setup.index() != 0 || setup.value() != 0) {
                    yield ControlReply.STALL;
                }
                interfaceSet();
                yield ControlReply.DONE;
            }
            case UsbDescriptors.SET_ADDRESS -> ControlReply.DONE;
            default -> ControlReply.STALL;
        };
    }

    /** A class request (bmRequestType type 1). */
    abstract ControlReply classRequest(Setup setup);

    /** GET_STATUS of the device, its interface or an endpoint. */
    abstract ControlReply status(Setup setup);

    /** CLEAR_FEATURE or SET_FEATURE. */
    abstract ControlReply feature(Setup setup);

    /** SET_CONFIGURATION was taken ({@link #configured()} says which). */
    abstract void configurationSet();

    /** SET_INTERFACE of alternate setting 0 was taken. */
    abstract void interfaceSet();
}
