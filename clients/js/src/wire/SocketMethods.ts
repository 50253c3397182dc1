// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.
import type { ConnectTransportRequest } from "./ConnectTransportRequest.js";
import type { ConsumeRequest } from "./ConsumeRequest.js";
import type { ConsumerData } from "./ConsumerData.js";
import type { ConsumerRequest } from "./ConsumerRequest.js";
import type { CreateTransportRequest } from "./CreateTransportRequest.js";
import type { DebateRequest } from "./DebateRequest.js";
import type { DebateVoteRequest } from "./DebateVoteRequest.js";
import type { Empty } from "./Empty.js";
import type { JoinData } from "./JoinData.js";
import type { JoinRequest } from "./JoinRequest.js";
import type { ModerateRequest } from "./ModerateRequest.js";
import type { MuteRequest } from "./MuteRequest.js";
import type { ProduceReply } from "./ProduceReply.js";
import type { ProduceRequest } from "./ProduceRequest.js";
import type { ProducerRequest } from "./ProducerRequest.js";
import type { ProducersReply } from "./ProducersReply.js";
import type { RaiseHandReply } from "./RaiseHandReply.js";
import type { RestartIceReply } from "./RestartIceReply.js";
import type { RouterCapabilities } from "./RouterCapabilities.js";
import type { SettingsPatch } from "./SettingsPatch.js";
import type { SettingsReply } from "./SettingsReply.js";
import type { TransportData } from "./TransportData.js";
import type { TransportRequest } from "./TransportRequest.js";

/**
 * Each socket method: the `data` of its request (`{id, method, data}`) and of its
 * reply (`{id, ok: true, data}`).
 */
export interface SocketMethods {
  "voice:join": { data: JoinRequest; reply: JoinData };
  "voice:leave": { data: Empty; reply: Empty };
  "getRouterRtpCapabilities": { data: Empty; reply: RouterCapabilities };
  "createTransport": { data: CreateTransportRequest; reply: TransportData };
  "connectTransport": { data: ConnectTransportRequest; reply: Empty };
  "produce": { data: ProduceRequest; reply: ProduceReply };
  "consume": { data: ConsumeRequest; reply: ConsumerData };
  "resumeConsumer": { data: ConsumerRequest; reply: Empty };
  "pauseConsumer": { data: ConsumerRequest; reply: Empty };
  "restartIce": { data: TransportRequest; reply: RestartIceReply };
  "closeProducer": { data: ProducerRequest; reply: Empty };
  "voice:mute": { data: MuteRequest; reply: Empty };
  "voice:raise_hand": { data: Empty; reply: RaiseHandReply };
  "voice:lower_hand": { data: Empty; reply: Empty };
  "voice:moderate": { data: ModerateRequest; reply: Empty };
  "voice:producers": { data: Empty; reply: ProducersReply };
  "voice:update_settings": { data: SettingsPatch; reply: SettingsReply };
  "voice:debate": { data: DebateRequest; reply: Empty };
  "voice:debate_vote": { data: DebateVoteRequest; reply: Empty };
}
