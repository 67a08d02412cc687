import Foundation
import Pipeline
import ServiceLifecycle

/// The live pipeline as a service: it runs on its own thread (it blocks for the whole stream), stops and drains on
/// graceful shutdown, and hands its totals to `onFinish` when it ends, whichever way it ends.
///
/// Put it in the group with `successTerminationBehavior: .gracefullyShutdownGroup`: the end of the stream (a file
/// read to its end, a closed window) then shuts the other services down too.
public struct PipelineService: Service {
    private let pipeline: LivePipeline
    private let onFinish: @Sendable (StatisticsSnapshot) -> Void

    public init(pipeline: LivePipeline, onFinish: @escaping @Sendable (StatisticsSnapshot) -> Void = { _ in }) {
        self.pipeline = pipeline
        self.onFinish = onFinish
    }

    public func run() async {
        let pipeline = self.pipeline
        let totals = await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<StatisticsSnapshot, Never>) in
                    // Not on Swift concurrency's threads: the pipeline blocks until its source ends.
                    let thread = Thread { continuation.resume(returning: pipeline.run()) }
                    thread.name = "fer-live.pipeline"
                    thread.start()
                }
            } onGracefulShutdown: {
                pipeline.stop()
            }
        } onCancel: {
            pipeline.stop()
        }
        onFinish(totals)
    }
}
