// podlab kubeconfig LAB: the path of the lab's kubeconfig, so users run their own kubectl
// (`export KUBECONFIG=$(podlab kubeconfig LAB)`), the way `kind get kubeconfig` helps kind users.
import { InputError } from '../../errors.js';
import { attachLab } from '../lab-ref.js';

export async function kubeconfigCommand(labArg: string): Promise<void> {
  const { lab } = await attachLab(labArg);
  if (!lab.kubeconfig) throw new InputError(`lab ${lab.name} runs on the ${lab.driver} driver, which has no API server (podlab get and exec read it instead)`);
  console.log(lab.kubeconfig);
}
