/**
 * `discrete-gans train` (reference: train.py): every flag of SPEC §1.2 with the reference's
 * spelling and default, plus ours (--seed, --log_every, --max_eval_images, --overwrite,
 * --gp_one_alpha, --plain_images, --outputs_dir). Argument parsing only; the run is
 * src/train/run.ts.
 */
import type { Command } from 'commander';
import '../engine/kernels/wasm/index.js'; // the fast kernels when this runtime has them
import { runTraining } from '../train/run.js';
import { REFERENCE_FULL_BATCH_METRICS, TRAIN_DEFAULTS, type TrainConfig } from '../train/config.js';
import { UserError } from '../util/errors.js';
import { integer, listValue, nonNegativeFloat, positiveFloat, positiveInt } from './flags.js';

interface Flags {
  data_path?: string;
  limit_data?: number;
  center_crop?: number;
  gray_scale?: boolean;
  gen_arch: string;
  disc_arch: string;
  im_size: number;
  z_dim: number;
  z_prior: string;
  spectral_normalization?: boolean;
  weight_clipping?: number;
  gp_weight: number;
  gp_one_alpha?: boolean;
  r_bs: number;
  f_bs: number;
  loss_function: string;
  lrG: number;
  lrD: number;
  avg_update_factor: number;
  D_step_every: number;
  G_step_every: number;
  n_iterations: number;
  no_fake_resample?: boolean;
  wandb?: boolean;
  log_freq: number;
  save_every?: boolean;
  full_batch_metrics?: string[] | boolean;
  project_name: string;
  train_name?: string;
  n_workers?: number;
  loadG?: string;
  resume_last_ckpt?: boolean;
  load_data_to_memory?: boolean;
  device?: string;
  seed: number;
  log_every: number;
  max_eval_images: number;
  overwrite?: boolean;
  plain_images?: boolean;
  outputs_dir: string;
}

const d = TRAIN_DEFAULTS;

export function register(program: Command): void {
  program
    .command('train')
    .description('train a GAN (or a direct mini-batch objective) on a folder of images (reference: train.py)')
    // Data
    .option('--data_path <dir>', 'folder of images (required)')
    .option('--limit_data <n>', 'use the first N images in sorted file-name order', positiveInt('--limit_data'))
    .option('--center_crop <s>', 'center-crop every image to S×S before resizing', positiveInt('--center_crop'))
    .option('--gray_scale', 'one grey channel (0.2989 R + 0.587 G + 0.114 B)')
    // Model
    .option('--gen_arch <spec>', 'generator, e.g. FC, FC-nf=128-depth=2', d.genArch)
    .option('--disc_arch <spec>', 'critic, e.g. FC-nf=1024, CNN-GAP=True', d.discArch)
    .option('--im_size <n>', 'image side', positiveInt('--im_size'), d.imSize)
    .option('--z_dim <n>', 'latent code size', positiveInt('--z_dim'), d.zDim)
    .option('--z_prior <prior>', 'normal | uniform | binary | const=M (M fixed codes: a discrete generator)', d.zPrior)
    .option('--spectral_normalization', 'spectral normalisation of every Linear and Conv2d of the critic')
    .option('--weight_clipping <c>', 'clamp every critic parameter to [-C, C] after each critic step', positiveFloat('--weight_clipping'))
    .option('--gp_weight <lambda>', 'gradient penalty weight (0: none)', nonNegativeFloat('--gp_weight'), d.gpWeight)
    .option('--gp_one_alpha', 'one interpolation α for the whole batch, as the reference (default: one per sample)')
    // Training
    .option('--r_bs <n>', 'real batch size', positiveInt('--r_bs'), d.rBs)
    .option('--f_bs <n>', 'fake batch size', positiveInt('--f_bs'), d.fBs)
    .option('--loss_function <spec>', 'WGANLoss, NonSaturatingGANLoss, SoftHingeLoss, MiniBatchLoss-dist=…, MiniBatchPatchLoss-…, MiniBatchLocalPatchLoss-…', d.lossFunction)
    .option('--lrG <lr>', 'generator learning rate', positiveFloat('--lrG'), d.lrG)
    .option('--lrD <lr>', 'critic learning rate', positiveFloat('--lrD'), d.lrD)
    .option('--avg_update_factor <f>', 'EMA factor of the evaluated generator copy (1: no averaging)', positiveFloat('--avg_update_factor'), d.avgUpdateFactor)
    .option('--D_step_every <k>', 'critic step every k iterations (-1 or 0: no critic)', integer('--D_step_every'), d.dStepEvery)
    .option('--G_step_every <k>', 'generator step every k iterations', positiveInt('--G_step_every'), d.gStepEvery)
    .option('--n_iterations <n>', 'iterations to run (exactly)', positiveInt('--n_iterations'), d.nIterations)
    .option('--no_fake_resample', 'reuse the critic step\'s codes for the generator step')
    // Evaluation
    .option('--wandb', 'accepted for compatibility: everything stays local')
    .option('--log_freq <n>', 'evaluate every N completed iterations (and at 0 and at the end)', positiveInt('--log_freq'), d.logFreq)
    .option('--save_every', 'keep a checkpoint per evaluation, not only the last')
    .option('--full_batch_metrics [metrics...]', `metrics between all generated images and the dataset; the flag alone means none (default: ${REFERENCE_FULL_BATCH_METRICS.join(' ')})`)
    // Other
    .option('--project_name <name>', 'outputs/<project_name>/…', d.projectName)
    .option('--train_name <name>', 'run folder name (default: composed from the settings)')
    .option('--n_workers <n>', 'accepted for compatibility (data is always in memory)', integer('--n_workers'))
    .option('--loadG <checkpoint>', 'start from the generator and prior codes of a checkpoint file')
    .option('--resume_last_ckpt', 'continue the run from its models/last.safetensors')
    .option('--load_data_to_memory', 'accepted for compatibility (data is always in memory)')
    .option('--device <device>', 'accepted for compatibility (we run on the CPU)')
    .option('--seed <n>', 'seed of every random draw', integer('--seed'), d.seed)
    .option('--log_every <n>', 'write the mean of the training scalars every N iterations', positiveInt('--log_every'), d.logEvery)
    .option('--max_eval_images <n>', 'cap on the images a continuous prior generates per evaluation', positiveInt('--max_eval_images'), d.maxEvalImages)
    .option('--overwrite', 'start again in a run folder that already holds a checkpoint')
    .option('--plain_images', 'render grids as [-1,1] → [0,255] instead of stretching each tile')
    .option('--outputs_dir <dir>', 'root of the outputs', d.outputsDir)
    .action(async (f: Flags) => {
      if (!f.data_path) throw new UserError('--data_path is required: a folder of images');
      if (f.device !== undefined && f.device !== 'cpu') process.stderr.write(`discrete-gans: --device ${f.device}: this build runs on the CPU\n`);
      if (f.wandb) process.stderr.write('discrete-gans: --wandb: nothing is sent to Weights & Biases; metrics, plots and images stay in the run folder\n');
      const config: TrainConfig = {
        ...TRAIN_DEFAULTS,
        dataPath: f.data_path,
        limitData: f.limit_data,
        centerCrop: f.center_crop,
        grayScale: f.gray_scale ?? false,
        genArch: f.gen_arch,
        discArch: f.disc_arch,
        imSize: f.im_size,
        zDim: f.z_dim,
        zPrior: f.z_prior,
        spectralNormalization: f.spectral_normalization ?? false,
        weightClipping: f.weight_clipping,
        gpWeight: f.gp_weight,
        gpOneAlpha: f.gp_one_alpha ?? false,
        rBs: f.r_bs,
        fBs: f.f_bs,
        lossFunction: f.loss_function,
        lrG: f.lrG,
        lrD: f.lrD,
        avgUpdateFactor: f.avg_update_factor,
        dStepEvery: f.D_step_every,
        gStepEvery: f.G_step_every,
        nIterations: f.n_iterations,
        noFakeResample: f.no_fake_resample ?? false,
        logFreq: f.log_freq,
        saveEvery: f.save_every ?? false,
        fullBatchMetrics: listValue(f.full_batch_metrics, REFERENCE_FULL_BATCH_METRICS),
        outputsDir: f.outputs_dir,
        projectName: f.project_name,
        trainName: f.train_name,
        loadG: f.loadG,
        resumeLastCkpt: f.resume_last_ckpt ?? false,
        overwrite: f.overwrite ?? false,
        seed: f.seed,
        logEvery: f.log_every,
        maxEvalImages: f.max_eval_images,
        gridScaling: f.plain_images ? 'plain' : 'scale-each',
        recordedArgs: { ...f, full_batch_metrics: listValue(f.full_batch_metrics, REFERENCE_FULL_BATCH_METRICS) },
      };
      const summary = await runTraining(config);
      process.stdout.write(`run folder: ${summary.folder}\n`);
    });
}
