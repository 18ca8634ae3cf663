package org.seer4j.data.metrics;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.util.Map;

/**
 * The protobuf messages of a TensorBoard event file, built with protobuf-java from a descriptor of the few fields
 * seer4j writes (field numbers as in TensorFlow's event.proto and summary.proto):
 * <pre>
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; }
 * </pre>
 * proto2, so that a value of 0 (the first warmup step's lr) is written rather than left out: TensorFlow's
 * {@code simple_value} sits in a oneof, which always records presence.
 * A descriptor in code instead of generated classes: three small messages do not justify a protoc step (a native
 * binary per build platform) in the build, and the wire encoding still comes from protobuf-java.
 */
final class TensorBoardEvents {
    static final String FILE_VERSION = "brain.Event:2";
    private static final Descriptor EVENT;
    private static final Descriptor SUMMARY;
    private static final Descriptor VALUE;

    static {
        DescriptorProto value = DescriptorProto.newBuilder().setName("Value")
                .addField(field("tag", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL, null))
                .addField(field("simple_value", 2, Type.TYPE_FLOAT, Label.LABEL_OPTIONAL, null))
                .build();
        DescriptorProto summary = DescriptorProto.newBuilder().setName("Summary")
                .addNestedType(value)
                .addField(field("value", 1, Type.TYPE_MESSAGE, Label.LABEL_REPEATED, ".tensorboard.Summary.Value"))
                .build();
        DescriptorProto event = DescriptorProto.newBuilder().setName("Event")
                .addField(field("wall_time", 1, Type.TYPE_DOUBLE, Label.LABEL_OPTIONAL, null))
                .addField(field("step", 2, Type.TYPE_INT64, Label.LABEL_OPTIONAL, null))
                .addField(field("file_version", 3, Type.TYPE_STRING, Label.LABEL_OPTIONAL, null))
                .addField(field("summary", 5, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, ".tensorboard.Summary"))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("seer4j/tensorboard_event.proto")
                .setPackage("tensorboard").setSyntax("proto2").addMessageType(summary).addMessageType(event).build();
        try {
            FileDescriptor fd = FileDescriptor.buildFrom(file, new FileDescriptor[0]);
            EVENT = fd.findMessageTypeByName("Event");
            SUMMARY = fd.findMessageTypeByName("Summary");
            VALUE = SUMMARY.findNestedTypeByName("Value");
        } catch (DescriptorValidationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TensorBoardEvents() {
    }

    private static FieldDescriptorProto field(String name, int number, Type type, Label label, String typeName) {
        FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setType(type).setLabel(label);
        if (typeName != null) {
            b.setTypeName(typeName);
        }
        return b.build();
    }

    /** The first event of every file: which event format follows. */
    static byte[] fileVersion(double wallTime) {
        return DynamicMessage.newBuilder(EVENT)
                .setField(EVENT.findFieldByName("wall_time"), wallTime)
                .setField(EVENT.findFieldByName("file_version"), FILE_VERSION)
                .build().toByteArray();
    }

    /** One step's scalars, in the order given. */
    static byte[] scalars(double wallTime, long step, Map<String, Double> values) {
        DynamicMessage.Builder summary = DynamicMessage.newBuilder(SUMMARY);
        for (Map.Entry<String, Double> v : values.entrySet()) {
            summary.addRepeatedField(SUMMARY.findFieldByName("value"), DynamicMessage.newBuilder(VALUE)
                    .setField(VALUE.findFieldByName("tag"), v.getKey())
                    .setField(VALUE.findFieldByName("simple_value"), v.getValue().floatValue())
                    .build());
        }
        return DynamicMessage.newBuilder(EVENT)
                .setField(EVENT.findFieldByName("wall_time"), wallTime)
                .setField(EVENT.findFieldByName("step"), step)
                .setField(EVENT.findFieldByName("summary"), summary.build())
                .build().toByteArray();
    }
}
