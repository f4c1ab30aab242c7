import type { Connection } from 'mongoose';
import { connectMongo } from './connection';
import { CalendarScheduleRepository } from './calendar-schedules';
import { CaseRepository } from './cases';
import { ClassifierModelRepository } from './classifier-models';
import { DeadLetterRepository } from './dead-letters';
import { StaffUserRepository } from './staff-users';
import { TrainingExampleRepository } from './training-examples';
import { ConversationRepository } from './conversations';
import { ChatAttachmentRepository } from './chat-attachments';
import { TranscriptRequestRepository } from './transcript-requests';
import { MailAddressRepository } from './mail-addresses';
import { MailAttachmentRepository } from './mail-attachments';
import { MailCheckpointRepository } from './mail-checkpoints';
import { MailMessageRepository } from './mail-messages';
import { MailOutboundRepository } from './mail-outbound';
import { MailQuarantineRepository } from './mail-quarantine';
import { MailTombstoneRepository } from './mail-tombstones';
import { PostalLetterRepository } from './postal-letters';
import { DepartmentSettingsRepository } from './department-settings';
import { RootCauseRepository } from './root-causes';
import { NoteAttachmentRepository } from './note-attachments';
import { StaffAvailabilityRepository } from './staff-availability';
import { WebhookEndpointRepository } from './webhook-endpoints';
import { WebhookDeliveryRepository } from './webhook-deliveries';
import { WebhookOutboxRepository } from './webhook-outbox';

/** Every repository of the system of record, on one connection. */
export interface Database {
  connection: Connection;
  cases: CaseRepository;
  staffUsers: StaffUserRepository;
  deadLetters: DeadLetterRepository;
  calendarSchedules: CalendarScheduleRepository;
  trainingExamples: TrainingExampleRepository;
  classifierModels: ClassifierModelRepository;
  conversations: ConversationRepository;
  chatAttachments: ChatAttachmentRepository;
  transcriptRequests: TranscriptRequestRepository;
  mailMessages: MailMessageRepository;
  mailAttachments: MailAttachmentRepository;
  mailCheckpoints: MailCheckpointRepository;
  mailTombstones: MailTombstoneRepository;
  mailQuarantine: MailQuarantineRepository;
  mailOutbound: MailOutboundRepository;
  mailAddresses: MailAddressRepository;
  postalLetters: PostalLetterRepository;
  /** Per-department settings (automatic fair assignment, cap per person): `settingsOf(department)`. */
  departmentSettings: DepartmentSettingsRepository;
  /** The root-cause categories cases are closed with (admin-managed). */
  rootCauses: RootCauseRepository;
  /** Files attached to internal notes (staff only). */
  noteAttachments: NoteAttachmentRepository;
  /** Department staff's switch for automatic fair assignment. */
  staffAvailability: StaffAvailabilityRepository;
  /** Webhook endpoints admins registered for case events, and every delivery to them. */
  webhookEndpoints: WebhookEndpointRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  /** Case events recorded for the webhooks and not fanned out yet (the outbox the worker's relay queues). */
  webhookOutbox: WebhookOutboxRepository;
  close(): Promise<void>;
}

export async function openDatabase(uri: string, opts: { autoIndex: boolean }): Promise<Database> {
  const connection = await connectMongo(uri, opts);
  const db: Database = {
    connection,
    cases: new CaseRepository(connection),
    staffUsers: new StaffUserRepository(connection),
    deadLetters: new DeadLetterRepository(connection),
    calendarSchedules: new CalendarScheduleRepository(connection),
    trainingExamples: new TrainingExampleRepository(connection),
    classifierModels: new ClassifierModelRepository(connection),
    conversations: new ConversationRepository(connection),
    chatAttachments: new ChatAttachmentRepository(connection),
    transcriptRequests: new TranscriptRequestRepository(connection),
    mailMessages: new MailMessageRepository(connection),
    mailAttachments: new MailAttachmentRepository(connection),
    mailCheckpoints: new MailCheckpointRepository(connection),
    mailTombstones: new MailTombstoneRepository(connection),
    mailQuarantine: new MailQuarantineRepository(connection),
    mailOutbound: new MailOutboundRepository(connection),
    mailAddresses: new MailAddressRepository(connection),
    postalLetters: new PostalLetterRepository(connection),
    departmentSettings: new DepartmentSettingsRepository(connection),
    rootCauses: new RootCauseRepository(connection),
    noteAttachments: new NoteAttachmentRepository(connection),
    staffAvailability: new StaffAvailabilityRepository(connection),
    webhookEndpoints: new WebhookEndpointRepository(connection),
    webhookDeliveries: new WebhookDeliveryRepository(connection),
    webhookOutbox: new WebhookOutboxRepository(connection),
    close: () => connection.close(),
  };
  if (opts.autoIndex) {
    // Build indexes before serving so the unique guards exist before the first write.
    await Promise.all(Object.values(connection.models).map((m) => m.init()));
  }
  return db;
}
