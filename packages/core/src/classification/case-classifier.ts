import {
  type Classifier,
  getDefaultClassifier,
  loadModel,
  readDefaultCorpus,
  serializeModel,
  trainModel,
  type Classification,
} from '@cg/classifier';
import type { CaseClassification } from '../intake/case-from-envelope';
import { refreshEvery, type Periodic } from '../runtime/periodic';

/** The classifier's answer in the shape a case stores. */
export function toCaseClassification(c: Classification): CaseClassification {
  return {
    department: c.department,
    bestGuess: c.predicted,
    confidence: round(c.confidence),
    runnerUp: { department: c.runnerUp.department, confidence: round(c.runnerUp.confidence) },
    abstained: c.abstained,
    method: c.decidedBy === 'rules' ? 'rules' : 'model',
    evidence: [
      ...(c.abstained && c.reason ? [`abstained: ${c.reason}`] : []),
      ...c.evidence.rules.map((r) => `rule ${r}`),
      ...c.evidence.features.map((f) => `feature ${f.feature} → ${f.department}`),
    ],
    priority: c.urgency.priority,
    urgencyFlags: [...c.urgency.flags],
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export interface StoredModel {
  version: number;
  modelJson: string;
}

/**
 * The classifier in force in this process: the newest retrained model in MongoDB when there is
 * one, the committed model otherwise. `refresh()` asks only for the newest version number and
 * loads the model when it changed.
 */
export class ClassifierProvider {
  private classifier: Classifier = getDefaultClassifier();
  private version = 0;
  private periodic?: Periodic;

  constructor(
    private readonly store: { latestVersion(): Promise<number | undefined>; latest(): Promise<StoredModel | null> },
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  current = (): Classifier => this.classifier;

  get modelVersion(): number {
    return this.version;
  }

  classify = (text: string): CaseClassification => toCaseClassification(this.classifier.classify(text));

  async refresh(): Promise<void> {
    const latest = await this.store.latestVersion();
    if (latest === undefined || latest === this.version) return;
    const doc = await this.store.latest();
    if (!doc) return;
    this.classifier = loadModel(doc.modelJson);
    this.version = doc.version;
  }

  /** Loads once (a failure here stops the start), then reloads every `refreshMs` in the background. */
  async start(refreshMs: number): Promise<void> {
    this.periodic = await refreshEvery(refreshMs, () => this.refresh(), this.onError);
  }

  async stop(): Promise<void> {
    await this.periodic?.stop();
  }
}

/** Trains a model from the committed corpus plus staff corrections (the corrections win ties by coming last). */
export function trainWithCorrections(corrections: Array<{ text: string; department: string }>): {
  modelJson: string;
  corpusExamples: number;
} {
  const corpus = readDefaultCorpus();
  const model = trainModel([...corpus, ...corrections]);
  return { modelJson: serializeModel(model), corpusExamples: corpus.length };
}

export interface RetrainStores {
  trainingExamples: { all(): Promise<Array<{ text: string; department: string }>> };
  classifierModels: {
    add(entry: {
      modelJson: string;
      trainedAt: Date;
      trainedBy: string;
      corpusExamples: number;
      correctionExamples: number;
    }): Promise<number>;
    latest(): Promise<{ version: number; correctionExamples: number } | null>;
  };
}

/**
 * Retrains on corpus + corrections and stores the result as the next model version, which every
 * process picks up on its next refresh. Skips (returns undefined) when no correction was added
 * since the newest model, unless forced.
 */
export async function retrainFromCorrections(stores: RetrainStores, trainedBy: string, opts: { force?: boolean } = {}) {
  const corrections = await stores.trainingExamples.all();
  const latest = await stores.classifierModels.latest();
  if (!opts.force && (corrections.length === 0 || latest?.correctionExamples === corrections.length)) return undefined;
  const { modelJson, corpusExamples } = trainWithCorrections(corrections);
  const version = await stores.classifierModels.add({
    modelJson,
    trainedAt: new Date(),
    trainedBy,
    corpusExamples,
    correctionExamples: corrections.length,
  });
  return { version, corpusExamples, correctionExamples: corrections.length };
}
