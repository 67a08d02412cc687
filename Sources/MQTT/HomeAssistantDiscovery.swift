/// Home Assistant MQTT discovery: retained configs that make each camera a device with two sensors (faces in
/// view, dominant emotion), read from the camera's retained state topic; no YAML on the Home Assistant side.
public enum HomeAssistantDiscovery {
    /// The two config messages for `settings.camera`.
    public static func messages(_ settings: MQTTSettings) -> [MQTTMessage] {
        let camera = settings.camera
        let node = "fer-live_\(camera)"
        let device: AnyJSON = .object([
            "identifiers": .array([.string(node)]), "name": .string("fer-live \(camera)"),
            "manufacturer": .string("fer-live"), "model": .string("facial expression recognition"),
        ])
        let availability = "\(settings.prefix)/available"
        let state = "\(settings.prefix)/\(camera)/state"
        func sensor(_ key: String, _ name: String, _ template: String, _ extra: [String: AnyJSON]) -> MQTTMessage {
            var config: [String: AnyJSON] = [
                "name": .string(name), "unique_id": .string("\(node)_\(key)"), "object_id": .string("\(node)_\(key)"),
                "state_topic": .string(state), "value_template": .string(template),
                "availability_topic": .string(availability), "payload_available": .string("online"),
                "payload_not_available": .string("offline"), "device": device,
            ]
            for (k, v) in extra { config[k] = v }
            return MQTTMessage(topic: "\(settings.discoveryPrefix)/sensor/\(node)/\(key)/config",
                               payload: AnyJSON.object(config).text, retain: true)
        }
        return [
            sensor("faces", "Faces", "{{ value_json.faces }}", [
                "state_class": .string("measurement"), "unit_of_measurement": .string("faces"),
                "icon": .string("mdi:account-group"),
            ]),
            sensor("dominant_emotion", "Dominant emotion", "{{ value_json.dominant_emotion or 'none' }}", [
                "icon": .string("mdi:emoticon-outline"),
            ]),
        ]
    }
}
