import { repositoryOf } from '../repository';
import { staffAvailabilitySchema, type StaffAvailabilityDocument } from './schema';

export interface StaffAvailability {
  staffId: string;
  email: string;
  department: string;
  available: boolean;
  updatedAt?: Date;
}

type Row = StaffAvailabilityDocument & { _id: string; updatedAt?: Date };

const toView = (r: Row): StaffAvailability => ({
  staffId: r._id,
  email: r.email,
  department: r.department,
  available: r.available,
  ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}),
});

/** Who is available for automatic fair assignment (no row: not available). */
export class StaffAvailabilityRepository extends repositoryOf<StaffAvailabilityDocument>('StaffAvailability', staffAvailabilitySchema) {
  /** The staff member's own switch: one writer per row (upsert by the account id). */
  async set(a: Omit<StaffAvailability, 'updatedAt'>): Promise<StaffAvailability> {
    await this.model
      .updateOne({ _id: a.staffId }, { $set: { email: a.email, department: a.department, available: a.available } }, { upsert: true })
      .exec();
    return (await this.find(a.staffId)) ?? { ...a };
  }

  async find(staffId: string): Promise<StaffAvailability | null> {
    const r = await this.model.findOne({ _id: staffId }).lean<Row>().exec();
    return r ? toView(r) : null;
  }

  /** The members of `department` who said they are available. */
  async availableIn(department: string): Promise<StaffAvailability[]> {
    const rows = await this.model.find({ department, available: true }).lean<Row[]>().exec();
    return rows.map(toView);
  }
}
