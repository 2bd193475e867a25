"""scikit-learn 1.2 reference values for test/ml/metrics/metrics.test.ts. Run: /usr/bin/python3 test/ml/metrics/sklearn_metrics_reference.py"""
import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, classification_report, precision_recall_fscore_support, roc_auc_score, log_loss
yt = [0,0,0,1,1,2,2,2,2,3,0,1]
yp = [0,1,0,1,2,2,2,0,2,2,0,1]
print('acc', repr(accuracy_score(yt, yp)))
print('cm', confusion_matrix(yt, yp, labels=[0,1,2,3]).tolist())
print(repr(classification_report(yt, yp, labels=[0,1,2,3], target_names=['Adelie','Chinstrap','Gentoo','a very long class name'], zero_division=0)))
print([x.tolist() for x in precision_recall_fscore_support(yt, yp, labels=[0,1,2,3], zero_division=0)[:3]])
print(precision_recall_fscore_support(yt, yp, labels=[0,1,2,3], zero_division=0, average='macro')[:3])
print(precision_recall_fscore_support(yt, yp, labels=[0,1,2,3], zero_division=0, average='weighted')[:3])
# class 4 absent from both, digits 3
print(repr(classification_report(yt, yp, labels=[0,1,2,3,4], zero_division=0, digits=3)))
# tie rounding: class 0 precision 1/8
yt2 = [0,1,1,1,1,1,1,1,1,0,0,0]
yp2 = [0,0,0,0,0,0,0,0,1,1,1,1]
print(repr(classification_report(yt2, yp2, labels=[0,1], zero_division=0)))
# AUC binary with ties
ytb = [0,0,1,1,0,1,1,0]
s = [0.1,0.4,0.35,0.8,0.4,0.4,0.9,0.2]
print('aucb', repr(roc_auc_score(ytb, s)))
ytm = [0,1,2,2,1,0,2,1,0,2]
P = [[.6,.3,.1],[.3,.4,.3],[.2,.2,.6],[.3,.4,.3],[.3,.4,.3],[.5,.25,.25],[.1,.1,.8],[.2,.6,.2],[.3,.4,.3],[.25,.25,.5]]
print('aucm', repr(roc_auc_score(ytm, P, multi_class='ovr', average='macro', labels=[0,1,2])))
# log loss: zero and one probabilities, unnormalized rows
Pl = [[1.0,0.0,0.0],[0.2,0.2,0.2],[0.0,1.0,0.0],[0.1,0.3,0.6],[0.5,0.5,0.0]]
ytl = [0,1,0,2,2]
print('ll', repr(log_loss(ytl, Pl, labels=[0,1,2])))
print('llb', repr(log_loss([0,1,1,0], [[0.9,0.1],[0.2,0.8],[0.6,0.4],[0.5,0.5]], labels=[0,1])))
